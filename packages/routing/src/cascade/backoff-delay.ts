/**
 * Exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(maxDelayMs, baseDelayMs × 2^(attempt − 1))]. `attempt` counts from 1; `random` is injected.
 */
export function backoffDelayMs(attempt: number, backoff: { baseDelayMs: number; maxDelayMs: number }, random: () => number): number {
  const ceilingMs = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceilingMs * random());
}
