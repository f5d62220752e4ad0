import type { IncomingHttpHeaders } from "node:http";

const NON_NEGATIVE_NUMBER = /^\d+(\.\d+)?$/;

/**
 * How long a provider asks us to wait, in whole milliseconds: `retry-after-ms` (OpenAI, Azure) first, then
 * `retry-after` as seconds or an HTTP date. `undefined` when neither is present or parseable.
 */
export function parseRetryAfterMs(headers: IncomingHttpHeaders, nowMs: number = Date.now()): number | undefined {
  const milliseconds = firstValue(headers["retry-after-ms"])?.trim();
  if (milliseconds && NON_NEGATIVE_NUMBER.test(milliseconds)) return Math.ceil(Number(milliseconds));

  const retryAfter = firstValue(headers["retry-after"])?.trim();
  if (!retryAfter) return undefined;
  if (NON_NEGATIVE_NUMBER.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  // An HTTP date has a weekday and month name; `Date.parse` would also accept "-3" as a year.
  if (!/[A-Za-z]/.test(retryAfter)) return undefined;
  const dateMs = Date.parse(retryAfter);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
