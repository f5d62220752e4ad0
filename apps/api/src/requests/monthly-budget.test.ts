import { describe, expect, it } from "vitest";
import type { Classification } from "@switchyard/contracts";
import { configSchema } from "@switchyard/config";
import { configuredMonthlyBudgetUsd, worstCaseCostUsd } from "./monthly-budget.js";

const config = configSchema.parse({
  tenants: { acme: { rpm: 5 }, big: { monthlyBudgetUsd: 500 }, default: { monthlyBudgetUsd: 10 } },
  deployments: [
    { id: "cheap", provider: "openai", model: "c", baseUrl: "http://127.0.0.1:1/v1", pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002,
      contextWindowTokens: 100_000, typicalLatencyMs: 100, quality: { general: 0.5 }, defaultMaxOutputTokens: 1000 },
    { id: "dear", provider: "anthropic", model: "d", baseUrl: "http://127.0.0.1:1/v1", pricePer1kInputUsd: 0.01, pricePer1kOutputUsd: 0.03,
      contextWindowTokens: 100_000, typicalLatencyMs: 100, quality: { general: 0.9 }, defaultMaxOutputTokens: 2000 },
    { id: "local", provider: "local", model: "l", baseUrl: "http://127.0.0.1:1/v1", pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0,
      contextWindowTokens: 100_000, typicalLatencyMs: 100, quality: { general: 0.4 }, private: true },
  ],
});
const routing = { deployments: config.deployments, tiers: config.tiers, weights: config.weights };
const classification: Classification = {
  complexity: "low", signals: [], domain: "general", estimatedInputTokens: 1000, containsPii: false, piiKinds: [], urgency: "normal", tier: "standard",
};
const messages = [{ role: "user" as const, content: "hi" }];

describe("worstCaseCostUsd", () => {
  it("prices input + max_tokens at the dearest deployment the request could fall back to", () => {
    // dear: 1000 in × 0.01/1k + 500 out × 0.03/1k = 0.01 + 0.015
    expect(worstCaseCostUsd(routing, { messages, max_tokens: 500 }, classification)).toBeCloseTo(0.025, 10);
    // Naming the cheap model does not lower it: the cascade may still fall back to the dear one.
    expect(worstCaseCostUsd(routing, { messages, max_tokens: 500, model: "cheap" }, classification)).toBeCloseTo(0.025, 10);
  });

  it("uses each deployment's default output budget without max_tokens", () => {
    // dear: 0.01 + 2000 × 0.03/1k = 0.07
    expect(worstCaseCostUsd(routing, { messages }, classification)).toBeCloseTo(0.07, 10);
  });

  it("prices only what the hard constraints allow: a private request costs what the private deployments cost", () => {
    expect(worstCaseCostUsd(routing, { messages }, { ...classification, containsPii: true, piiKinds: ["email"], tier: "private" })).toBe(0);
    expect(worstCaseCostUsd(routing, { messages, constraints: { maxCostPer1k: 0.0015 } }, classification)).toBeCloseTo(0.001 + 0.002, 10);
  });
});

describe("configuredMonthlyBudgetUsd", () => {
  it("reads the tenant's entry, else default's; a listed tenant's entry replaces default", () => {
    expect(configuredMonthlyBudgetUsd(config.tenants, "big")).toBe(500);
    expect(configuredMonthlyBudgetUsd(config.tenants, "other")).toBe(10);
    expect(configuredMonthlyBudgetUsd(config.tenants, "acme")).toBeUndefined();
    expect(configuredMonthlyBudgetUsd({}, "x")).toBeUndefined();
  });
});
