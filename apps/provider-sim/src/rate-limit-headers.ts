const WINDOW_MS = 60_000;
const REQUESTS_PER_MINUTE = 10_000;
const TOKENS_PER_MINUTE = 10_000_000;

/**
 * OpenAI-style `x-ratelimit-*` headers from a one-minute fixed window. Informational only: the simulator never
 * rejects because of them (inject 429s with `errorRate`/`errorStatus`), but clients that read them see
 * plausible numbers.
 */
export class RateLimitHeaders {
  #windowStartMs = 0;
  #requests = 0;
  #tokens = 0;

  next(tokens: number, nowMs: number): Record<string, string> {
    if (nowMs - this.#windowStartMs >= WINDOW_MS) {
      this.#windowStartMs = nowMs;
      this.#requests = 0;
      this.#tokens = 0;
    }
    this.#requests++;
    this.#tokens += tokens;
    const reset = `${((this.#windowStartMs + WINDOW_MS - nowMs) / 1000).toFixed(3)}s`;
    return {
      "x-ratelimit-limit-requests": String(REQUESTS_PER_MINUTE),
      "x-ratelimit-remaining-requests": String(Math.max(0, REQUESTS_PER_MINUTE - this.#requests)),
      "x-ratelimit-reset-requests": reset,
      "x-ratelimit-limit-tokens": String(TOKENS_PER_MINUTE),
      "x-ratelimit-remaining-tokens": String(Math.max(0, TOKENS_PER_MINUTE - this.#tokens)),
      "x-ratelimit-reset-tokens": reset,
    };
  }
}
