import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { CircuitBreakers, createRedis, RateLimitStore } from "@switchyard/queue";
import { resilienceSchema } from "@switchyard/config";
import { startStack, type TestStack } from "../support/stack.js";

// What the provider stage does with what providers answer, through the whole stack: truncation to a small context
// window (recorded on the request), a request that cannot fit, providers' errors in each wire format turned into
// the request's error code, and providers' rate-limit headers recorded per deployment.
// No fallbacks, retries or retry rounds here: each provider answer becomes the request's outcome (the cascade
// has its own tests in cascade.test.ts).
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  maxFallbacks: 0
  retryQueue: { maxRounds: 0 }
  onFailure:
    rate_limited: { action: wait_or_fallback, maxAttempts: 1 }
    server: { action: retry_then_fallback, maxAttempts: 1 }
    overloaded: { action: retry_then_fallback, maxAttempts: 1 }
    invalid_response: { action: retry_then_fallback, maxAttempts: 1 }
deployments:
  - { id: tiny-openai, provider: openai, format: openai-chat, model: tiny-gpt, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 400, defaultMaxOutputTokens: 50,
      typicalLatencyMs: 100, quality: { general: 0.8 } }
  - { id: claude-a, provider: anthropic, format: anthropic-messages, model: claude-a, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.003, pricePer1kOutputUsd: 0.015, contextWindowTokens: 200000, typicalLatencyMs: 100,
      quality: { general: 0.9 } }
  - { id: gemini-a, provider: gemini, format: gemini, model: gemini-a, baseUrl: "\${PROVIDER_SIM_URL}/v1beta",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.004, contextWindowTokens: 1000000, typicalLatencyMs: 100,
      quality: { general: 0.85 } }
  - { id: local-a, provider: local, format: openai-chat, model: local-a, baseUrl: "\${PROVIDER_SIM_URL}/v1", private: true,
      pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0, contextWindowTokens: 32000, typicalLatencyMs: 100,
      quality: { general: 0.6 } }
`;

describe("provider outcomes through the stack", () => {
  let stack: TestStack;
  let dir: string;
  let rateLimits: RateLimitStore;
  let breakers: CircuitBreakers;
  let redis: ReturnType<typeof createRedis>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-outcomes-"));
    writeFileSync(join(dir, "switchyard.yaml"), CONFIG);
    stack = await startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "switchyard.yaml") });
    redis = createRedis(inject("redisUrl"), "producer");
    rateLimits = new RateLimitStore(redis, stack.prefix);
    breakers = new CircuitBreakers(redis, stack.prefix, resilienceSchema.parse({}).breaker);
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.quit();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await stack.sim.reset();
    // quota_exhausted opens its deployment's circuit; each case starts with every circuit closed.
    await Promise.all(["tiny-openai", "claude-a", "gemini-a", "local-a"].map((id) => breakers.reset(id)));
  });


  async function run(body: unknown) {
    const submitted = await stack.api.post("/v1/requests", body);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    return (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
  }

  const turn = (n: number) => `Turn ${n}: ${"the queue retries the provider call with backoff and jitter ".repeat(6)}`;

  it("drops whole oldest turns to fit a small context window and records it", async () => {
    const messages = [
      { role: "system", content: "Keep this system prompt." },
      ...Array.from({ length: 10 }, (_, n) => ({ role: n % 2 === 0 ? "user" : "assistant", content: turn(n) })),
      { role: "user", content: "And the newest question?" },
    ];
    const record = await run({ model: "tiny-openai", messages });
    expect(record.status).toBe("succeeded");
    expect(record.truncation).toMatchObject({ deployment_id: "tiny-openai", dropped_messages: expect.any(Number) });
    expect(record.truncation.dropped_messages).toBeGreaterThan(0);
    expect(record.truncation.input_tokens_after).toBeLessThan(record.truncation.input_tokens_before);
    expect(record.truncation.input_tokens_after).toBeLessThanOrEqual(400 - 50);
    expect(record.hops.at(-1).note).toMatch(/truncated: dropped \d+ oldest messages/);
    // The provider saw the shortened prompt.
    expect(record.usage.input_tokens).toBeLessThan(record.truncation.input_tokens_before);
  });

  it("fails with context_length when even the newest turn cannot fit", async () => {
    const record = await run({ model: "tiny-openai", messages: [{ role: "user", content: turn(0).repeat(8) }] });
    expect(record.status).toBe("failed");
    expect(record.error).toMatchObject({ code: "context_length", deployment_id: "tiny-openai" });
  });

  it.each([
    { deployment: "tiny-openai", model: "tiny-gpt", behaviour: { errorRate: 1, errorStatus: 429 }, code: "rate_limited", status: 429 },
    { deployment: "tiny-openai", model: "tiny-gpt", behaviour: { errorRate: 1, errorStatus: 429, quotaExhausted: true }, code: "quota_exhausted", status: 429 },
    { deployment: "claude-a", model: "claude-a", behaviour: { errorRate: 1, errorStatus: 529 }, code: "overloaded", status: 529 },
    { deployment: "claude-a", model: "claude-a", behaviour: { contextWindowTokens: 5 }, code: "context_length", status: 400 },
    { deployment: "gemini-a", model: "gemini-a", behaviour: { errorRate: 1, errorStatus: 500 }, code: "server", status: 500 },
    { deployment: "gemini-a", model: "gemini-a", behaviour: { errorRate: 1, errorStatus: 429 }, code: "rate_limited", status: 429 },
    { deployment: "local-a", model: "local-a", behaviour: { invalidJsonRate: 1 }, code: "invalid_response", status: 200 },
  ])("records $code from a $deployment answer as the request's error", async ({ deployment, model, behaviour, code, status }) => {
    await stack.sim.patch({ models: { [model]: behaviour } });
    const body =
      deployment === "local-a"
        ? { model: deployment, messages: [{ role: "user", content: "My email is jane@example.com, summarise it." }] }
        : { model: deployment, messages: [{ role: "user", content: "Summarise durable queues." }] };
    const record = await run(body);
    expect(record.status).toBe("failed");
    expect(record.error).toMatchObject({ code, deployment_id: deployment });
    if (status !== 200) expect(record.error.http_status).toBe(status);
    const providerHops = record.hops.filter((hop: { stage: string }) => hop.stage === "provider");
    expect(providerHops).toHaveLength(1);
    expect(providerHops[0]).toMatchObject({ deployment_id: deployment, outcome: "error", error: { code } });
    // A transient failure goes on to the cache stage, which has nothing, and no retry round is allowed here; a
    // context that is too long has nowhere larger to go and fails at once.
    expect(record.hops.at(-1)).toMatchObject(code === "context_length" ? { stage: "provider" } : { stage: "cache", outcome: "error" });
  });

  it("records the provider's rate-limit headers per deployment", async () => {
    await stack.sim.patch({ models: { "claude-a": { rpm: 50 }, "tiny-gpt": { rpm: 70, tpm: 90_000 } } });
    for (const deployment of ["claude-a", "tiny-openai"]) {
      const record = await run({ model: deployment, messages: [{ role: "user", content: "Hello there." }] });
      expect(record.status).toBe("succeeded");
    }
    // The worker records the state after the outcome; poll briefly.
    const read = async (deployment: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const state = await rateLimits.get(deployment);
        if (state) return state;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    };
    expect(await read("claude-a")).toMatchObject({ requests: { limit: 50, remaining: 49, resetAtMs: expect.any(Number) } });
    expect(await read("tiny-openai")).toMatchObject({ requests: { limit: 70, remaining: 69 }, tokens: { limit: 90_000 } });
  });
});
