/** The longest a receiver's `retry-after` may push a retry out (beyond it the schedule's own delay is used). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The delay before retry number `retry` (1 = the first retry), from the schedule, with ± `jitterRatio` of uniform
 * jitter so that deliveries failed together do not come back together. A receiver's `retry-after` wins when it
 * asks for longer. Past the schedule's end: -1 (no more retries).
 */
export function webhookRetryDelayMs(
  retry: number,
  schedule: { retryScheduleMs: readonly number[]; jitterRatio: number },
  random: () => number,
  retryAfterMs?: number,
): number {
  const base = schedule.retryScheduleMs[retry - 1];
  if (base === undefined) return -1;
  const jittered = Math.round(base * (1 + schedule.jitterRatio * (2 * random() - 1)));
  const requested = retryAfterMs !== undefined && retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : 0;
  return Math.max(0, jittered, requested);
}

/** `retry-after` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
