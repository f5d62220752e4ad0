import { describe, expect, it } from "vitest";
import { parseGoDurationMs } from "./parse-go-duration.js";
import { parseRateLimitHeaders } from "./parse-rate-limit-headers.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");

describe("parseGoDurationMs", () => {
  it.each([
    ["1s", 1000],
    ["6m0s", 360_000],
    ["84ms", 84],
    ["1h2m3.5s", 3_723_500],
    ["0.5s", 500],
    ["17", 17_000],
    ["250us", 1],
  ])("%s → %d ms", (text, ms) => expect(parseGoDurationMs(text)).toBe(ms));

  it.each(["", "soon", "1x", "s1", "1s garbage"])("rejects %j", (text) => expect(parseGoDurationMs(text)).toBeUndefined());
});

describe("parseRateLimitHeaders", () => {
  it("reads OpenAI's headers (as documented) with Go-duration resets", () => {
    const state = parseRateLimitHeaders(
      {
        "x-ratelimit-limit-requests": "60",
        "x-ratelimit-limit-tokens": "150000",
        "x-ratelimit-remaining-requests": "59",
        "x-ratelimit-remaining-tokens": "149984",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-reset-tokens": "6m0s",
      },
      NOW,
    );
    expect(state).toEqual({
      observedAtMs: NOW,
      requests: { limit: 60, remaining: 59, resetAtMs: NOW + 1000 },
      tokens: { limit: 150000, remaining: 149984, resetAtMs: NOW + 360_000 },
    });
  });

  it("reads Anthropic's headers with RFC 3339 resets, including input and output token budgets", () => {
    const state = parseRateLimitHeaders(
      {
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "49",
        "anthropic-ratelimit-requests-reset": "2026-11-25T12:00:01Z",
        "anthropic-ratelimit-tokens-limit": "90000",
        "anthropic-ratelimit-tokens-remaining": "89000",
        "anthropic-ratelimit-tokens-reset": "2026-11-25T12:00:30Z",
        "anthropic-ratelimit-input-tokens-limit": "80000",
        "anthropic-ratelimit-input-tokens-remaining": "79500",
        "anthropic-ratelimit-input-tokens-reset": "2026-11-25T12:00:02Z",
        "anthropic-ratelimit-output-tokens-limit": "16000",
        "anthropic-ratelimit-output-tokens-remaining": "15500",
        "anthropic-ratelimit-output-tokens-reset": "2026-11-25T12:00:03Z",
        "retry-after": "7",
      },
      NOW,
    );
    expect(state).toEqual({
      observedAtMs: NOW,
      requests: { limit: 50, remaining: 49, resetAtMs: NOW + 1000 },
      tokens: { limit: 90000, remaining: 89000, resetAtMs: NOW + 30_000 },
      inputTokens: { limit: 80000, remaining: 79500, resetAtMs: NOW + 2000 },
      outputTokens: { limit: 16000, remaining: 15500, resetAtMs: NOW + 3000 },
      retryAfterMs: 7000,
    });
  });

  it("prefers retry-after-ms and accepts an HTTP date", () => {
    expect(parseRateLimitHeaders({ "retry-after-ms": "1500", "retry-after": "9" }, NOW)?.retryAfterMs).toBe(1500);
    expect(parseRateLimitHeaders({ "retry-after": "Wed, 25 Nov 2026 12:00:10 GMT" }, NOW)?.retryAfterMs).toBe(10_000);
  });

  it("says nothing when the provider said nothing or only nonsense", () => {
    expect(parseRateLimitHeaders({ "content-type": "application/json" }, NOW)).toBeUndefined();
    expect(parseRateLimitHeaders({ "x-ratelimit-remaining-requests": "lots" }, NOW)).toBeUndefined();
  });
});
