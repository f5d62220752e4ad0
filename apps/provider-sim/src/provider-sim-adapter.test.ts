import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deploymentSchema, type DeploymentConfig } from "@switchyard/config";
import { createAdapterRegistry, type AdapterRegistry, type ProviderAdapter } from "@switchyard/providers";
import { startProviderSim, type ProviderSim } from "./start-provider-sim.js";

/**
 * The simulator driven by the real OpenAI chat adapter: if these two disagree about the wire format, every
 * end-to-end test and benchmark is measuring fiction.
 */
let sim: ProviderSim;
let registry: AdapterRegistry;
let adapter: ProviderAdapter;

function deployment(overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  return deploymentSchema.parse({
    id: "sim-gpt-4-1",
    provider: "openai",
    format: "openai-chat",
    model: "gpt-4.1",
    baseUrl: `${sim.url}/v1`,
    pricePer1kInputUsd: 0.002,
    pricePer1kOutputUsd: 0.008,
    contextWindowTokens: 1_047_576,
    typicalLatencyMs: 100,
    quality: { general: 0.9 },
    timeoutMs: 5_000,
    ...overrides,
  });
}

const request = {
  messages: [
    { role: "system" as const, content: "You are terse." },
    { role: "user" as const, content: "How should a job queue retry failed provider calls?" },
  ],
};

async function failure(call: Promise<unknown>) {
  const error: unknown = await call.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toMatchObject({ name: "ProviderError" });
  return error as { kind: string; data: { retryAfterMs?: number; httpStatus?: number; retryable: boolean } };
}

beforeAll(async () => {
  sim = await startProviderSim();
  registry = createAdapterRegistry();
  adapter = registry.forFormat("openai-chat");
});
afterAll(async () => {
  await registry.close();
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

describe("provider-sim through the openai-chat adapter", () => {
  it("completes a chat with usage and finish reason", async () => {
    const result = await adapter.chat({ deployment: deployment(), request });
    expect(result.model).toBe("gpt-4.1");
    expect(result.finishReason).toBe("stop");
    expect(result.message.content).toMatch(/queue|retry|provider/);
    expect(result.usage.inputTokens).toBeGreaterThan(10);
    expect(result.usage.outputTokens).toBeGreaterThan(10);
    expect(result.providerResponseId).toMatch(/^chatcmpl-/);
    expect(sim.stats().byModel["gpt-4.1"]?.byStatus["200"]).toBe(1);
  });

  it("honours the deployment's default max output tokens", async () => {
    const result = await adapter.chat({ deployment: deployment({ defaultMaxOutputTokens: 3 }), request });
    expect(result).toMatchObject({ finishReason: "length", usage: { outputTokens: 3 } });
  });

  it("sees injected 429s as rate_limited with the retry delay", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, retryAfterMs: 750 });
    const error = await failure(adapter.chat({ deployment: deployment(), request }));
    expect(error.kind).toBe("rate_limited");
    expect(error.data).toMatchObject({ httpStatus: 429, retryAfterMs: 750, retryable: true });
  });

  it.each([
    [500, "server"],
    [503, "overloaded"],
  ] as const)("sees injected %i as %s", async (errorStatus, kind) => {
    sim.setConfig({ errorRate: 1, errorStatus });
    expect((await failure(adapter.chat({ deployment: deployment(), request }))).kind).toBe(kind);
  });

  it("authenticates with the key and maps a wrong one to auth", async () => {
    sim.setConfig({ requireApiKey: "sk-sim" });
    await expect(adapter.chat({ deployment: deployment(), request, apiKey: "sk-sim" })).resolves.toBeDefined();
    expect((await failure(adapter.chat({ deployment: deployment(), request, apiKey: "sk-nope" }))).kind).toBe("auth");
    expect((await failure(adapter.chat({ deployment: deployment(), request }))).kind).toBe("auth");
  });

  it("maps an unknown model to not_found when the sim has an allowlist", async () => {
    sim.setConfig({ allowedModels: ["gpt-4.1-mini"] });
    expect((await failure(adapter.chat({ deployment: deployment(), request }))).kind).toBe("not_found");
  });

  it("times out against a slow model, and the sim records the abandoned call", async () => {
    sim.setConfig({ models: { "gpt-4.1": { latency: { kind: "fixed", ms: 2_000 } } } });
    const error = await failure(adapter.chat({ deployment: deployment({ timeoutMs: 100 }), request }));
    expect(error.kind).toBe("timeout");
    await expect.poll(() => sim.stats().byStatus["499"]).toBe(1);
  });

  it("serves many concurrent calls over the pooled connections", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        adapter.chat({
          deployment: deployment(),
          request: { messages: [{ role: "user", content: `Question number ${index % 10} about caching` }] },
        }),
      ),
    );
    expect(results).toHaveLength(200);
    expect(sim.stats().byStatus["200"]).toBe(200);
  });
});
