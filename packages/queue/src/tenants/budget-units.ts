/**
 * Budgets count integer microcents (1e-8 USD): request costs are rounded to 1e-8 USD (`costUsd` in routing), so
 * every amount is exact and a month's sum never shows float noise.
 */
export const MICROCENTS_PER_USD = 100_000_000;

export function usdToMicrocents(usd: number): number {
  return Math.round(usd * MICROCENTS_PER_USD);
}

export function microcentsToUsd(microcents: number): number {
  return microcents / MICROCENTS_PER_USD;
}

/** The UTC month a moment belongs to, `YYYY-MM`: budgets reset at 00:00 UTC on the 1st. */
export function budgetMonth(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 7);
}

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * When a request was accepted, read back from its id (`req_` + 10 Crockford base-32 characters of epoch ms, see
 * `newRequestId`): the settlement finds the month the reservation was made in without another lookup, even when the
 * request finishes in the next month. Undefined for an id of another shape.
 */
export function requestAcceptedAtMs(requestId: string): number | undefined {
  const time = /^req_([0-9a-z]{10})[0-9a-z]{16}$/.exec(requestId)?.[1];
  if (time === undefined) return undefined;
  let ms = 0;
  for (const char of time) {
    const digit = CROCKFORD.indexOf(char);
    if (digit < 0) return undefined;
    ms = ms * 32 + digit;
  }
  return ms;
}
