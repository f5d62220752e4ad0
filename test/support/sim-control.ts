/** Counts the simulator reports (`GET /_sim/stats`); see apps/provider-sim/README.md. */
export interface SimStats {
  startedAtMs: number;
  totalRequests: number;
  byStatus: Record<string, number>;
  byModel: Record<string, { requests: number; byStatus: Record<string, number> }>;
  faults: Record<string, number>;
}

/** The provider simulator's control API (`/_sim/*`), as a chaos run turns its knobs while load runs. */
export class SimControl {
  constructor(readonly baseUrl: string) {}

  async stats(): Promise<SimStats> {
    const response = await fetch(`${this.baseUrl}/_sim/stats`);
    if (!response.ok) throw new Error(`GET /_sim/stats answered ${response.status}`);
    return (await response.json()) as SimStats;
  }

  /** Calls the simulator answered for one model (every status, 499s for clients that gave up included). */
  async modelRequests(model: string): Promise<number> {
    return (await this.stats()).byModel[model]?.requests ?? 0;
  }

  async reset(): Promise<void> {
    const response = await fetch(`${this.baseUrl}/_sim/reset`, { method: "POST" });
    if (!response.ok) throw new Error(`POST /_sim/reset answered ${response.status}`);
  }

  /** PATCH replaces whole top-level fields; this merges one model's behaviour into the live `models` map. */
  async setModel(model: string, behaviour: Record<string, unknown>): Promise<void> {
    const current = (await (await fetch(`${this.baseUrl}/_sim/config`)).json()) as { models?: Record<string, Record<string, unknown>> };
    const models = { ...current.models, [model]: { ...current.models?.[model], ...behaviour } };
    await this.patch({ models });
  }

  async patch(config: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.baseUrl}/_sim/config`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(config),
    });
    if (!response.ok) throw new Error(`PATCH /_sim/config answered ${response.status}: ${await response.text()}`);
  }
}
