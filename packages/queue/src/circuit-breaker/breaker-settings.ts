import type { ResilienceConfig } from "@switchyard/config";

/**
 * `resilience.breaker` from the config file: failureThreshold, failureRatio, minCalls, windowMs,
 * resetTimeoutMs, probeLeaseMs. The fields, their meaning and their defaults live in one place,
 * `packages/config/src/resilience-schema.ts`; this only names them for the circuit breaker.
 * Every process must run with the same settings: each passes its own to the Lua scripts.
 */
export interface BreakerSettings extends Readonly<ResilienceConfig["breaker"]> {}

/**
 * How long a circuit's key lives after its last write. Long enough that a counting window is never cut
 * short, and that an open circuit outlives its reset timeout and a whole probe lease (so it half-opens
 * instead of silently reading as closed); short enough that a deployment removed from the config leaves
 * nothing behind for long. Reads (snapshots, refused admissions) do not extend it.
 */
export function breakerKeyTtlMs(settings: BreakerSettings): number {
  return 2 * Math.max(settings.windowMs, settings.resetTimeoutMs + settings.probeLeaseMs);
}
