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
      ...DEFAULT_MODEL_BEHAVIOUR,
      latency: { kind: "fixed", ms: 5 },
      errorRate: 1,
      errorStatus: 503,
    });
    expect(resolveModelBehaviour(config, "other").errorRate).toBe(0.1);
    expect(resolveModelBehaviour(config, "constructor").errorRate).toBe(0.1);
  });

  it("inherits the optional knobs globally and lets a model override them", () => {
    const config = parseSimConfig({
      rpm: 100,
      contextWindowTokens: 8_000,
      models: { small: { rpm: 3, limitWindowMs: 1_000, outages: [{ fromMs: 0, toMs: 10, status: 529 }] } },
    });
    expect(resolveModelBehaviour(config, "small")).toMatchObject({
      rpm: 3,
      limitWindowMs: 1_000,
      contextWindowTokens: 8_000,
      outages: [{ fromMs: 0, toMs: 10, status: 529 }],
    });
    expect(resolveModelBehaviour(config, "other")).toMatchObject({ rpm: 100, limitWindowMs: 60_000, outages: [] });
    expect(resolveModelBehaviour(config, "other").tpm).toBeUndefined();
  });

  it("lets a model turn a global boolean knob off", () => {
    const config = parseSimConfig({ contentFilterRejectsPrompt: true, models: { lenient: { contentFilterRejectsPrompt: false } } });
    expect(resolveModelBehaviour(config, "lenient").contentFilterRejectsPrompt).toBe(false);
    expect(resolveModelBehaviour(config, "other").contentFilterRejectsPrompt).toBe(true);
  });

  it.each([
    { errorRate: 1.5 },
    { errorStatus: 418 },
    { latency: { kind: "uniform", minMs: 20, maxMs: 10 } },
    { latency: { kind: "lognormal", medianMs: 100, p99Ms: 50 } },
    { latency: { kind: "gaussian", ms: 1 } },
    { unknownKnob: true },
    { models: { "gpt-4.1": { errorRate: -1 } } },
    { rpm: 0 },
    { tpm: 1.5 },
    { outages: [{ fromMs: 100, toMs: 50, status: 503 }] },
    { outages: [{ fromMs: 0, toMs: 50, status: 502 }] },
    { slowBodyRate: 2 },
    { contentFilterPhrase: "" },
    { contentFilterRejectsPrompt: "yes" },
    { models: { "claude-x": { maxConcurrent: 0 } } },
  ])("rejects %j", (input) => {
    expect(() => parseSimConfig(input)).toThrow();
  });
});
