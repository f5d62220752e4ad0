import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL_BEHAVIOUR, parseSimConfig, resolveModelBehaviour } from "./sim-config.js";

describe("SimConfig", () => {
  it("defaults to an instant, error-free simulator that accepts any model", () => {
    const config = parseSimConfig(undefined);
    expect(config).toEqual({ ...DEFAULT_MODEL_BEHAVIOUR, models: {} });
    expect(resolveModelBehaviour(config, "anything")).toEqual(DEFAULT_MODEL_BEHAVIOUR);
  });

  it("applies per-model overrides on top of the global values", () => {
    const config = parseSimConfig({
      latency: { kind: "fixed", ms: 5 },
      errorRate: 0.1,
      models: { "gpt-4.1": { errorRate: 1, errorStatus: 503 } },
    });
    expect(resolveModelBehaviour(config, "gpt-4.1")).toEqual({
      latency: { kind: "fixed", ms: 5 },
      errorRate: 1,
      errorStatus: 503,
      retryAfterMs: 1000,
    });
    expect(resolveModelBehaviour(config, "other").errorRate).toBe(0.1);
    expect(resolveModelBehaviour(config, "constructor").errorRate).toBe(0.1);
  });

  it.each([
    { errorRate: 1.5 },
    { errorStatus: 418 },
    { latency: { kind: "uniform", minMs: 20, maxMs: 10 } },
    { latency: { kind: "lognormal", medianMs: 100, p99Ms: 50 } },
    { latency: { kind: "gaussian", ms: 1 } },
    { unknownKnob: true },
    { models: { "gpt-4.1": { errorRate: -1 } } },
  ])("rejects %j", (input) => {
    expect(() => parseSimConfig(input)).toThrow();
  });
});
