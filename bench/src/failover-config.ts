import { writeFileSync } from "node:fs";
import type { BreakerSettings } from "@switchyard/queue";

export interface FailoverFleet {
  /** The deployment the router ranks first for the bench request, and that the scenario kills. */
  primaryId: string;
  /** The model id the primary sends, which the simulator's per-model override fails. */
  primaryModel: string;
  /** The one deployment in the primary's fallback chain. */
  fallbackId: string;
}

export const FAILOVER_FLEET: FailoverFleet = {
  primaryId: "openai-gpt-4-1-mini",
  primaryModel: "gpt-4.1-mini",
  fallbackId: "openai-gpt-4-1",
};

const HOUR_MS = 3_600_000;

/**
 * The circuit opens after exactly `failureThreshold` failed calls (the ratio rule is out of reach), so the
 * phase before it opens is as long as the others, and the window and the reset timeout outlast the run, so it
 * stays open, with no half-open probe, for the whole phase after. The harness resets it between rounds.
 */
export function failoverBreaker(failureThreshold: number): BreakerSettings {
  return { failureThreshold, failureRatio: 1, minCalls: 1_000_000_000, windowMs: HOUR_MS, resetTimeoutMs: HOUR_MS, probeLeaseMs: 60_000 };
}

/**
 * The failover scenario's Switchyard config (SWITCHYARD_CONFIG; JSON is YAML). Two deployments of the
 * shipped config, both OpenAI chat on the simulator, so a request served by the fallback does the same work
 * as one served by the primary and any difference is the cascade's. The router ranks the cheaper, faster
 * gpt-4.1-mini first for the bench request, and the chain after it is explicit. The request names no `model`:
 * one pinned to the primary is not failed over once its circuit is open (the dispatcher then has no primary
 * and parks it in the cache and retry stages), so pinning would measure the retry queue, not the failover.
 *
 * Resilience is tuned for measuring, not as shipped: an `overloaded` answer (the simulator's 503) falls back
 * at once (`maxAttempts: 1`), where the shipped policy first retries the same deployment twice with 250 ms+
 * jittered backoff, which would swamp the rest; and the breaker is `failoverBreaker`.
 */
export function failoverConfig(simUrl: string, breaker: BreakerSettings) {
  const deployment = (id: string, model: string, prices: [number, number], typicalLatencyMs: number, general: number) => ({
    id,
    provider: "openai",
    format: "openai-chat",
    model,
    baseUrl: `${simUrl}/v1`,
    pricePer1kInputUsd: prices[0],
    pricePer1kOutputUsd: prices[1],
    contextWindowTokens: 1_047_576,
    typicalLatencyMs,
    quality: { general },
    limits: { concurrency: 64 },
  });
  return {
    fallbacks: { [FAILOVER_FLEET.primaryId]: [FAILOVER_FLEET.fallbackId] },
    resilience: {
      onFailure: { overloaded: { action: "retry_then_fallback", maxAttempts: 1 } },
      breaker,
    },
    deployments: [
      deployment(FAILOVER_FLEET.primaryId, FAILOVER_FLEET.primaryModel, [0.0004, 0.0016], 900, 0.8),
      deployment(FAILOVER_FLEET.fallbackId, "gpt-4.1", [0.002, 0.008], 2500, 0.9),
    ],
  };
}

export function writeFailoverConfig(path: string, simUrl: string, breaker: BreakerSettings): void {
  writeFileSync(path, `${JSON.stringify(failoverConfig(simUrl, breaker), null, 2)}\n`);
}
