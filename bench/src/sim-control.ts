/** The parts of `GET /_sim/stats` the scenarios read; statuses are keyed as strings ("200", "429"). */
export interface SimStatsView {
  totalRequests: number;
  byStatus: Record<string, number>;
  byModel: Record<string, { requests: number; byStatus: Record<string, number> } | undefined>;
}

/** The simulator's control API (apps/provider-sim README, "Control API"). */
async function control(simUrl: string, path: string, method: "GET" | "POST" | "PATCH", body?: unknown): Promise<unknown> {
  const response = await fetch(`${simUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator answered ${response.status} to ${method} ${path}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/** Back to the start config, with empty stats and every model's rate-limit window forgotten. */
export async function resetSim(simUrl: string): Promise<void> {
  await control(simUrl, "/_sim/reset", "POST");
}

export async function simStats(simUrl: string): Promise<SimStatsView> {
  return (await control(simUrl, "/_sim/stats", "GET")) as SimStatsView;
}

/**
 * The prompt tokens the simulator counts (and charges against `tpm`) for `messages`, asked of it once with a
 * model no scenario limits, so the rate-limit scenario can size its token budgets in whole requests.
 */
export async function simPromptTokens(simUrl: string, messages: readonly { role: string; content: string }[]): Promise<number> {
  const response = await fetch(`${simUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "bench-token-probe", messages, max_tokens: 1 }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator answered ${response.status} to the token probe: ${text.slice(0, 300)}`);
  const promptTokens = (JSON.parse(text) as { usage?: { prompt_tokens?: unknown } }).usage?.prompt_tokens;
  if (typeof promptTokens !== "number") throw new Error(`the token probe's answer has no usage.prompt_tokens: ${text.slice(0, 300)}`);
  return promptTokens;
}
