const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000001 };
const PART = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;

/**
 * A Go `time.Duration` string as OpenAI sends in `x-ratelimit-reset-*` ("1s", "6m0s", "84ms", "1h2m3.5s"),
 * in milliseconds; a bare number is taken as seconds. `undefined` when it is not a duration.
 */
export function parseGoDurationMs(text: string | undefined): number | undefined {
  const value = text?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(PART)) {
    if (match.index !== consumed) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
    consumed += match[0].length;
  }
  return consumed === value.length && Number.isFinite(total) ? Math.ceil(total) : undefined;
}
