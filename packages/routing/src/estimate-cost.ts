import type { DeploymentConfig } from "@switchyard/config";

type Prices = Pick<DeploymentConfig, "pricePer1kInputUsd" | "pricePer1kOutputUsd">;

export interface UsageTokens {
  inputTokens: number;
  outputTokens: number;
}

/** Rounded to 1e-8 USD so that sums of many requests do not show float noise like 0.30000000000000004. */
export function costUsd(deployment: Prices, usage: UsageTokens): number {
  const cost =
    (usage.inputTokens / 1000) * deployment.pricePer1kInputUsd + (usage.outputTokens / 1000) * deployment.pricePer1kOutputUsd;
  return Math.round(cost * 1e8) / 1e8;
}

/**
 * One price per deployment for `maxCostPer1k` and the cost score: the plain mean of the input and output
 * prices per 1k tokens. The real mix depends on the request (chat is input-heavy, generation
 * output-heavy); the mean is the neutral choice and keeps the constraint predictable for callers.
 */
export function blendedPricePer1kUsd(deployment: Prices): number {
  return (deployment.pricePer1kInputUsd + deployment.pricePer1kOutputUsd) / 2;
}
