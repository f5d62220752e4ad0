import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startProviderSim, type ProviderSim } from "./start-provider-sim.js";

/** rpm / tpm / maxConcurrent enforced over HTTP, answered in each format's own 429. No upper time bounds. */
let sim: ProviderSim;

beforeAll(async () => {
  sim = await startProviderSim();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

const prompt = "Summarise the trade-offs of token buckets";

function openAi(model: string, extra: Record<string, unknown> = {}) {
  return post("/v1/chat/completions", { model, messages: [{ role: "user", content: prompt }], ...extra });
}
function anthropic(model: string) {
  return post("/v1/messages", { model, max_tokens: 50, messages: [{ role: "user", content: prompt }] }, { "anthropic-version": "2023-06-01" });
}
function gemini(model: string) {
  return post(`/v1beta/models/${model}:generateContent`, { contents: [{ parts: [{ text: prompt }] }] });
}
function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("rpm", () => {
  it("lets rpm requests through per model with counting-down headers, then answers OpenAI's 429", async () => {
    sim.setConfig({ models: { "gpt-small": { rpm: 3 } } });
    const remaining: (string | null)[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await openAi("gpt-small");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-ratelimit-limit-requests")).toBe("3");
      remaining.push(response.headers.get("x-ratelimit-remaining-requests"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);

    const limited = await openAi("gpt-small");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(limited.headers.get("x-ratelimit-reset-requests")).toMatch(/^(\d+m)?\d+(\.\d+)?s$|^\d+ms$/);
    const retryAfterMs = Number(limited.headers.get("retry-after-ms"));
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(limited.headers.get("retry-after")).toBe(String(Math.ceil(retryAfterMs / 1000)));
    expect(await limited.json()).toMatchObject({
      error: { type: "requests", code: "rate_limit_exceeded", message: expect.stringMatching(/requests per min \(RPM\): Limit 3, Used 3, Requested 1/) },
    });
    expect((await openAi("gpt-other")).status).toBe(200);
    expect(sim.stats().faults).toMatchObject({ rate_limited: 1 });
  });

  it("answers Anthropic's rate_limit_error with anthropic-ratelimit-* headers and retry-after", async () => {
    sim.setConfig({ rpm: 2 });
    expect((await anthropic("claude-sim")).status).toBe(200);
    expect((await anthropic("claude-sim")).status).toBe(200);
    const limited = await anthropic("claude-sim");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("anthropic-ratelimit-requests-limit")).toBe("2");
    expect(limited.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(Date.parse(limited.headers.get("anthropic-ratelimit-requests-reset") ?? "")).toBeGreaterThan(Date.now());
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("request-id")).toMatch(/^req_01/);
    expect(await limited.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });

  it("answers Gemini's RESOURCE_EXHAUSTED with a RetryInfo", async () => {
    sim.setConfig({ rpm: 1 });
    expect((await gemini("gemini-sim")).status).toBe(200);
    const limited = await gemini("gemini-sim");
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: { status: string; details: { "@type": string; retryDelay?: string }[] } };
    expect(body.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(body.error.details.find((detail) => detail["@type"].endsWith("RetryInfo"))?.retryDelay).toMatch(/^\d+s$/);
  });

  it("opens a fresh window once limitWindowMs has passed", async () => {
    sim.setConfig({ rpm: 1, limitWindowMs: 150 });
    expect((await openAi("gpt-4.1")).status).toBe(200);
    expect((await openAi("gpt-4.1")).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await openAi("gpt-4.1")).status).toBe(200);
  });
});

describe("tpm", () => {
  it("charges the prompt plus max_tokens and rejects what would not fit", async () => {
    sim.setConfig({ tpm: 200 });
    const first = await openAi("gpt-4.1", { max_tokens: 120 });
    expect(first.status).toBe(200);
    const remainingTokens = Number(first.headers.get("x-ratelimit-remaining-tokens"));
    expect(remainingTokens).toBeLessThan(200 - 120);
    const second = await openAi("gpt-4.1", { max_tokens: 120 });
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: { type: "tokens", code: "rate_limit_exceeded" } });
  });

  it("charges the actual output when no max_tokens is given", async () => {
    sim.setConfig({ tpm: 10_000 });
    const response = await openAi("gpt-4.1");
    const usage = ((await response.json()) as { usage: { total_tokens: number } }).usage;
    expect(Number(response.headers.get("x-ratelimit-remaining-tokens"))).toBe(10_000 - usage.total_tokens);
  });

  it("says a request larger than the whole budget is too large", async () => {
    sim.setConfig({ tpm: 50 });
    const response = await openAi("gpt-4.1", { max_tokens: 100 });
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringMatching(/^Request too large/) } });
  });
});

describe("maxConcurrent", () => {
  it("rejects a request beyond the limit while another is in flight, then admits again", async () => {
    sim.setConfig({ maxConcurrent: 1, latency: { kind: "fixed", ms: 150 } });
    const [first, second] = await Promise.all([openAi("gpt-4.1"), new Promise((resolve) => setTimeout(resolve, 30)).then(() => openAi("gpt-4.1"))]);
    expect(first?.status).toBe(200);
    expect(second?.status).toBe(429);
    await first?.text();
    expect((await openAi("gpt-4.1")).status).toBe(200);
  });
});
