import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { loadConfig, resilienceSchema } from "@switchyard/config";
import { CircuitBreakers, createRedis, FleetRateLimiter } from "@switchyard/queue";
import { startStack, type TestStack } from "../support/stack.js";

// The operator's view of the fleet: every configured deployment with its fleet-wide circuit and the provider's
// last rate-limit report. The circuit is opened from outside the API, as a worker would, and reset through it.
describe("deployments and circuits", () => {
  let stack: TestStack;
  let redis: Redis;
  let breakers: CircuitBreakers;
  // The shipped config/switchyard.yaml, which the stack runs with.
  const configured = loadConfig({}).deployments;

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    redis = createRedis(inject("redisUrl"), "worker");
    breakers = new CircuitBreakers(redis, stack.prefix, resilienceSchema.parse({}).breaker);
  });
  afterAll(async () => {
    await redis?.quit();
    await stack?.stop();
  });

  const bareFetch = (path: string, init: RequestInit = {}) => fetch(`${stack.apiUrl}${path}`, init);
  const bareReset = (id: string, headers: Record<string, string> = { authorization: `Bearer ${stack.adminKey}` }) =>
    bareFetch(`/v1/deployments/${id}/circuit/reset`, { method: "POST", headers });

  it("lists every configured deployment, all closed", async () => {
    const listed = await stack.api.get("/v1/deployments");
    expect(listed.status).toBe(200);
    expect(listed.body.object).toBe("list");
    expect(listed.body.data).toHaveLength(7);
    expect(listed.body.data.map((entry: { id: string }) => entry.id)).toEqual(configured.map((deployment) => deployment.id));
    for (const entry of listed.body.data) {
      expect(entry.object).toBe("deployment");
      expect(entry.circuit).toEqual({ state: "closed", failures: 0, calls: 0, opened_at_ms: null, retry_at_ms: null, opened_total: 0 });
      expect(entry.rate_limit).toBeNull();
    }
    const first = configured[0];
    expect(listed.body.data[0]).toEqual({
      object: "deployment",
      id: first?.id,
      provider: first?.provider,
      format: first?.format,
      model: first?.model,
      private: first?.private,
      enabled: first?.enabled,
      context_window_tokens: first?.contextWindowTokens,
      typical_latency_ms: first?.typicalLatencyMs,
      price_per_1k_input_usd: first?.pricePer1kInputUsd,
      price_per_1k_output_usd: first?.pricePer1kOutputUsd,
      circuit: expect.any(Object),
      rate_limit: null,
    });
    // Where to reach it and which key it uses are not the API's to tell.
    expect(JSON.stringify(listed.body)).not.toMatch(/base_?url|api_?key/i);
  });

  it("shows the last rate-limit state a provider reported, in snake_case", async () => {
    const observedAtMs = Date.now();
    // As a worker records it when a call ends.
    await new FleetRateLimiter(redis, stack.prefix).observe("openai-gpt-4-1-mini", {
      observedAtMs,
      requests: { limit: 500, remaining: 12, resetAtMs: observedAtMs + 20_000 },
      inputTokens: { remaining: 1000 },
    });
    const read = await stack.api.get("/v1/deployments/openai-gpt-4-1-mini");
    expect(read.status).toBe(200);
    expect(read.body.rate_limit).toEqual({
      observed_at_ms: observedAtMs,
      requests: { limit: 500, remaining: 12, reset_at_ms: observedAtMs + 20_000 },
      input_tokens: { remaining: 1000 },
    });
  });

  it("shows a circuit opened anywhere in the fleet, and resets it", async () => {
    const id = "gemini-2-5-pro";
    const before = Date.now();
    expect(await breakers.trip(id)).toBe("opened");

    const listed = await stack.api.get("/v1/deployments");
    const open = listed.body.data.filter((entry: { circuit: { state: string } }) => entry.circuit.state !== "closed");
    expect(open.map((entry: { id: string }) => entry.id)).toEqual([id]);
    const circuit = open[0].circuit;
    expect(circuit).toMatchObject({ state: "open", failures: 0, calls: 0, opened_total: 1 });
    expect(circuit.opened_at_ms).toBeGreaterThanOrEqual(before);
    expect(circuit.retry_at_ms).toBe(circuit.opened_at_ms + resilienceSchema.parse({}).breaker.resetTimeoutMs);

    const single = await stack.api.get(`/v1/deployments/${id}`);
    expect(single.status).toBe(200);
    expect(single.body).toMatchObject({ object: "deployment", id, circuit: { state: "open" } });

    // A bare POST, as an operator would send it with curl: no body, no Content-Type.
    const reset = await bareReset(id);
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({
      object: "deployment",
      id,
      circuit: { state: "closed", failures: 0, calls: 0, opened_at_ms: null, retry_at_ms: null, opened_total: 0 },
    });
    expect((await breakers.snapshots([id])).get(id)?.state).toBe("closed");
    const after = await stack.api.get("/v1/deployments");
    expect(after.body.data.every((entry: { circuit: { state: string } }) => entry.circuit.state === "closed")).toBe(true);
  });

  it("needs the admin key", async () => {
    for (const response of [
      await bareFetch("/v1/deployments"),
      await bareFetch("/v1/deployments/gemini-2-5-pro"),
      await bareReset("gemini-2-5-pro", {}),
      await bareReset("gemini-2-5-pro", { authorization: "Bearer not-the-key" }),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { type: "authentication_error" } });
    }
  });

  it("answers 404 for an unknown deployment", async () => {
    const read = await stack.api.get("/v1/deployments/no-such-deployment");
    expect(read.status).toBe(404);
    expect(read.body.error).toMatchObject({ type: "not_found_error", code: "not_found" });
    const reset = await bareReset("no-such-deployment");
    expect(reset.status).toBe(404);
    expect(await reset.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
