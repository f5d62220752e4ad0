import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { resilienceSchema } from "@switchyard/config";
import { CircuitBreakers, createRedis } from "@switchyard/queue";
import { startStack, type TestStack } from "../support/stack.js";

// The fallback cascade through real processes: retries on the same deployment, fallbacks chosen by the failure
// matrix, circuits opened fleet-wide, the response cache as a stage and as a preference, deadlines.
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 20, maxDelayMs: 100 }
  retryQueue: { baseDelayMs: 400, maxDelayMs: 800, maxRounds: 3 }
  breaker: { failureThreshold: 50, resetTimeoutMs: 60000 }
fallbacks:
  alpha: [bravo-anthropic, charlie-gemini]
deployments:
  - { id: alpha, provider: openai, format: openai-chat, model: alpha-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 100000, typicalLatencyMs: 900,
      timeoutMs: 500, quality: { general: 0.95 } }
  - { id: bravo-anthropic, provider: anthropic, format: anthropic-messages, model: bravo-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.003, pricePer1kOutputUsd: 0.015, contextWindowTokens: 200000, typicalLatencyMs: 1200,
      quality: { general: 0.9 } }
  - { id: charlie-gemini, provider: gemini, format: gemini, model: charlie-model, baseUrl: "\${PROVIDER_SIM_URL}/v1beta",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.004, contextWindowTokens: 1000000, typicalLatencyMs: 300,
      quality: { general: 0.85 } }
  - { id: delta-openai, provider: openai, format: openai-chat, model: delta-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.0005, pricePer1kOutputUsd: 0.001, contextWindowTokens: 100000, typicalLatencyMs: 200,
      quality: { general: 0.7 } }
  - { id: local, provider: local, format: openai-chat, model: local-model, baseUrl: "\${PROVIDER_SIM_URL}/v1", private: true,
      pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0, contextWindowTokens: 32000, typicalLatencyMs: 500,
      quality: { general: 0.6 } }
`;
const DEPLOYMENTS = ["alpha", "bravo-anthropic", "charlie-gemini", "delta-openai", "local"];
const MODELS = ["alpha-model", "bravo-model", "charlie-model", "delta-model", "local-model"];

interface HopView {
  stage: string;
  deployment_id?: string;
  attempt: number;
  outcome: string;
  error?: { code: string };
  note?: string;
}

describe("the fallback cascade", () => {
  let stack: TestStack;
  let dir: string;
  let redis: ReturnType<typeof createRedis>;
  let breakers: CircuitBreakers;
  let unique = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-cascade-"));
    writeFileSync(join(dir, "switchyard.yaml"), CONFIG);
    stack = await startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "switchyard.yaml") });
    redis = createRedis(inject("redisUrl"), "producer");
    breakers = new CircuitBreakers(redis, stack.prefix, resilienceSchema.parse({}).breaker);
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.quit();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await stack.sim.reset();
    await Promise.all(DEPLOYMENTS.map((id) => breakers.reset(id)));
  });

  const failing = (behaviour: Record<string, unknown>, models = MODELS) => ({ models: Object.fromEntries(models.map((model) => [model, behaviour])) });
  /** A prompt no other test sends, so the response cache only serves what a test put there. */
  const prompt = (text: string) => `${text} (#${++unique}-${Date.now()})`;

  async function run(body: Record<string, unknown>) {
    const submitted = await stack.api.post("/v1/requests", body);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    return (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=30`)).body;
  }
  const providerHops = (record: { hops: HopView[] }) =>
    record.hops.filter((hop) => hop.stage === "provider").map((hop) => [hop.deployment_id, hop.attempt, hop.error?.code ?? "ok"]);

  it("retries a 5xx on the same deployment with backoff, then falls back along the configured chain", async () => {
    await stack.sim.patch(failing({ errorRate: 1, errorStatus: 500 }, ["alpha-model"]));
    const record = await run({ model: "alpha", messages: [{ role: "user", content: prompt("Explain backoff.") }] });
    expect(record.status).toBe("succeeded");
    expect(record.deployment_id).toBe("bravo-anthropic");
    expect(providerHops(record)).toEqual([
      ["alpha", 1, "server"],
      ["alpha", 2, "server"],
      ["alpha", 3, "server"],
      ["bravo-anthropic", 1, "ok"],
    ]);
    expect(record.hops.find((hop: HopView) => hop.stage === "dispatch").note).toMatch(/fallbacks: bravo-anthropic → charlie-gemini/);
    expect(await stack.sim.modelRequests("alpha-model")).toBe(3);
  });

  it("falls back at once to a faster deployment on a timeout", async () => {
    // alpha gives up after 500 ms; its model takes 2 s.
    await stack.sim.patch(failing({ latency: { kind: "fixed", ms: 2_000 } }, ["alpha-model"]));
    const record = await run({ model: "alpha", messages: [{ role: "user", content: prompt("Quick one.") }] });
    expect(record.status).toBe("succeeded");
    // bravo (1200 ms) is next in the chain but slower than alpha (900 ms); charlie (300 ms) is faster.
    expect(providerHops(record)).toEqual([
      ["alpha", 1, "timeout"],
      ["charlie-gemini", 1, "ok"],
    ]);
  });

  it("falls back to another provider when content is filtered", async () => {
    const phrase = "forbidden-topic";
    await stack.sim.patch({ contentFilterPhrase: phrase, models: { "alpha-model": { contentFilterRejectsPrompt: true } } });
    const record = await run({ model: "alpha", messages: [{ role: "user", content: prompt(`Tell me about the ${phrase} only.`) }] });
    expect(providerHops(record)[0]).toEqual(["alpha", 1, "content_filtered"]);
    expect(providerHops(record)[1]?.[0]).toBe("bravo-anthropic");
  });

  it("fails a bad request at once with the provider's reason, no retry, no fallback", async () => {
    await stack.sim.patch(failing({ errorRate: 1, errorStatus: 400 }, ["alpha-model"]));
    const record = await run({ model: "alpha", messages: [{ role: "user", content: prompt("Anything.") }] });
    expect(record.status).toBe("failed");
    expect(record.error).toMatchObject({ code: "bad_request", deployment_id: "alpha", http_status: 400 });
    expect(providerHops(record)).toEqual([["alpha", 1, "bad_request"]]);
  });

  it("opens the circuit on an auth error, raises an alert, and the next request skips the deployment", async () => {
    await stack.sim.patch(failing({ errorRate: 1, errorStatus: 401 }, ["alpha-model"]));
    const first = await run({ model: "alpha", messages: [{ role: "user", content: prompt("Who am I?") }] });
    expect(providerHops(first)[0]).toEqual(["alpha", 1, "auth"]);
    expect((await breakers.snapshots(["alpha"])).get("alpha")?.state).toBe("open");
    await stack.processes.worker.waitForOutput(/"alert":"deployment_circuit_tripped"/);

    const callsBefore = await stack.sim.modelRequests("alpha-model");
    const second = await run({ messages: [{ role: "user", content: prompt("Pick any deployment.") }] });
    expect(second.status).toBe("succeeded");
    expect(second.deployment_id).not.toBe("alpha");
    expect(second.hops[0].note).not.toMatch(/alpha=/);
    // A request that names alpha is served by alpha's fallbacks, without a call to alpha.
    const pinned = await run({ model: "alpha", messages: [{ role: "user", content: prompt("Pinned.") }] });
    expect(pinned).toMatchObject({ status: "succeeded", deployment_id: "bravo-anthropic" });
    expect(pinned.hops[0].note).toMatch(/alpha \(requested\) has an open circuit, falling back to bravo-anthropic/);
    expect(await stack.sim.modelRequests("alpha-model")).toBe(callsBefore);
  });

  it("serves an earlier answer from the cache when every deployment fails, and prefers it when asked", async () => {
    const body = { messages: [{ role: "user", content: prompt("What is a durable queue?") }] };
    const fresh = await run(body);
    expect(fresh.status).toBe("succeeded");
    expect(fresh.served_from_cache).toBeUndefined();

    const calls = await Promise.all(MODELS.map((model) => stack.sim.modelRequests(model)));
    const preferred = await run({ ...body, cache: "prefer" });
    expect(preferred).toMatchObject({ status: "succeeded", served_from_cache: true, deployment_id: fresh.deployment_id, cost_usd: 0 });
    expect(preferred.result.message).toEqual(fresh.result.message);
    expect(await Promise.all(MODELS.map((model) => stack.sim.modelRequests(model)))).toEqual(calls);

    await stack.sim.patch(failing({ errorRate: 1, errorStatus: 503 }));
    const degraded = await run(body);
    expect(degraded).toMatchObject({ status: "succeeded", served_from_cache: true });
    expect(degraded.hops.at(-1)).toMatchObject({ stage: "cache", outcome: "ok" });
    expect(providerHops(degraded).length).toBeGreaterThan(1);

    const off = await run({ ...body, cache: "off" });
    expect(off.status).not.toBe("succeeded");
  });

  it("queues for retry when everything fails, and gives up at the request's deadline", async () => {
    await stack.sim.patch(failing({ errorRate: 1, errorStatus: 503 }));
    const startedAtMs = Date.now();
    const record = await run({ constraints: { timeoutMs: 2_000 }, cache: "off", messages: [{ role: "user", content: prompt("Never answered.") }] });
    expect(record.status).toBe("failed");
    expect(record.error.code).toBe("deadline_exceeded");
    expect(Date.now() - startedAtMs).toBeLessThan(10_000);
    expect(record.hops.some((hop: HopView) => hop.stage === "retry")).toBe(true);
    expect(record.retry).toMatchObject({ round: expect.any(Number), reason: expect.stringMatching(/^overloaded: /) });
  });

  it("never sends a private request to a public deployment, in any fallback or round", async () => {
    await stack.sim.patch(failing({ errorRate: 1, errorStatus: 500 }, ["local-model"]));
    const submitted = await stack.api.post("/v1/requests", {
      constraints: { timeoutMs: 3_000 },
      messages: [{ role: "user", content: prompt("My card is 4111 1111 1111 1111, summarise my spending.") }],
    });
    const record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=30`)).body;
    expect(record.tier).toBe("private");
    expect(record.status).toBe("failed");
    const touched = new Set(record.hops.flatMap((hop: HopView) => (hop.deployment_id ? [hop.deployment_id] : [])));
    expect([...touched]).toEqual(["local"]);
    for (const model of ["alpha-model", "bravo-model", "charlie-model", "delta-model"]) expect(await stack.sim.modelRequests(model)).toBe(0);
  });
});
