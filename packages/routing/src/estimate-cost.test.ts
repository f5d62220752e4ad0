import { describe, expect, it } from "vitest";
import type { TokenUsage } from "@switchyard/contracts";
import { blendedPricePer1kUsd, costUsd } from "./estimate-cost.js";

const gpt41 = { pricePer1kInputUsd: 0.002, pricePer1kOutputUsd: 0.008 };

describe("costUsd", () => {
  it("prices input and output tokens per 1k", () => {
    expect(costUsd(gpt41, { inputTokens: 1000, outputTokens: 500 })).toBe(0.006);
    expect(costUsd(gpt41, { inputTokens: 0, outputTokens: 0 })).toBe(0);
    expect(costUsd({ pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0 }, { inputTokens: 10_000, outputTokens: 10_000 })).toBe(0);
  });

  it("rounds to 1e-8 USD without float noise", () => {
    expect(costUsd({ pricePer1kInputUsd: 0.00015, pricePer1kOutputUsd: 0 }, { inputTokens: 1, outputTokens: 0 })).toBe(1.5e-7);
    expect(costUsd({ pricePer1kInputUsd: 0.0001, pricePer1kOutputUsd: 0.0002 }, { inputTokens: 1000, outputTokens: 1000 })).toBe(
      0.0003,
    );
    expect(costUsd({ pricePer1kInputUsd: 0.000001, pricePer1kOutputUsd: 0 }, { inputTokens: 1, outputTokens: 0 })).toBe(0);
  });

  it("accepts the contracts' TokenUsage, as the provider pool passes it", () => {
    const usage: TokenUsage = { inputTokens: 2000, outputTokens: 0, cachedInputTokens: 1000 };
    expect(costUsd(gpt41, usage)).toBe(0.004);
  });
});

describe("blendedPricePer1kUsd", () => {
  it("is the mean of input and output prices", () => {
    expect(blendedPricePer1kUsd(gpt41)).toBeCloseTo(0.005, 12);
    expect(blendedPricePer1kUsd({ pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0 })).toBe(0);
  });
});
