import { formatGoDuration } from "../limits/go-duration.js";
import type { LimitSnapshot } from "../limits/rate-limiter.js";

/** OpenAI's `x-ratelimit-*` headers; resets are Go durations until the whole budget is back ("1s", "6m0s"). */
export function openAiRateLimitHeaders(snapshot: LimitSnapshot, nowMs: number): Record<string, string> {
  return {
    "x-ratelimit-limit-requests": String(snapshot.requests.limit),
    "x-ratelimit-remaining-requests": String(snapshot.requests.remaining),
    "x-ratelimit-reset-requests": formatGoDuration(snapshot.requests.resetAtMs - nowMs),
    "x-ratelimit-limit-tokens": String(snapshot.tokens.limit),
    "x-ratelimit-remaining-tokens": String(snapshot.tokens.remaining),
    "x-ratelimit-reset-tokens": formatGoDuration(snapshot.tokens.resetAtMs - nowMs),
  };
}
