import { describe, expect, it } from "vitest";
import { RateLimiter, UNENFORCED_REQUESTS_LIMIT, UNENFORCED_TOKENS_LIMIT, type LimitSettings } from "./rate-limiter.js";

const T0 = 1_000_000;
const settings = (overrides: Partial<LimitSettings> = {}): LimitSettings => ({
  requestsPerWindow: undefined,
  tokensPerWindow: undefined,
  maxConcurrent: undefined,
  windowMs: 60_000,
  concurrencyRetryAfterMs: 250,
  ...overrides,
});
const small = { inputTokens: 10, outputTokens: 0 };

describe("RateLimiter", () => {
  it("reports unenforced limits when none is configured, counting all the same", () => {
    const limiter = new RateLimiter();
    const admission = limiter.admit("m", settings(), { inputTokens: 30, outputTokens: 20 }, T0);
    expect(admission).toMatchObject({
      admitted: true,
      tracksConcurrency: false,
      snapshot: {
        requests: { limit: UNENFORCED_REQUESTS_LIMIT, remaining: UNENFORCED_REQUESTS_LIMIT - 1, resetAtMs: T0 + 60_000 },
        tokens: { limit: UNENFORCED_TOKENS_LIMIT, remaining: UNENFORCED_TOKENS_LIMIT - 50 },
        inputTokens: { remaining: UNENFORCED_TOKENS_LIMIT - 30 },
        outputTokens: { remaining: UNENFORCED_TOKENS_LIMIT - 20 },
      },
    });
  });

  it("admits rpm requests per window, then rejects until the window ends", () => {
    const limiter = new RateLimiter();
    const limits = settings({ requestsPerWindow: 3 });
    const remaining = [0, 1, 2].map((index) => {
      const admission = limiter.admit("m", limits, small, T0 + index);
      return admission.admitted ? admission.snapshot.requests.remaining : -1;
    });
    expect(remaining).toEqual([2, 1, 0]);

    const rejected = limiter.admit("m", limits, small, T0 + 20_000);
    expect(rejected).toMatchObject({
      admitted: false,
      rejection: { resource: "requests", limit: 3, used: 3, requested: 1, retryAfterMs: 40_000, exceedsWholeBudget: false },
    });
    expect(limiter.admit("other-model", limits, small, T0 + 20_000).admitted).toBe(true);
    expect(limiter.admit("m", limits, small, T0 + 60_000).admitted).toBe(true);
  });

  it("charges prompt plus requested output against tpm and says when one request can never fit", () => {
    const limiter = new RateLimiter();
    const limits = settings({ tokensPerWindow: 100 });
    expect(limiter.admit("m", limits, { inputTokens: 20, outputTokens: 60 }, T0).admitted).toBe(true);
    expect(limiter.admit("m", limits, { inputTokens: 20, outputTokens: 60 }, T0 + 1)).toMatchObject({
      admitted: false,
      rejection: { resource: "tokens", limit: 100, used: 80, requested: 80, exceedsWholeBudget: false },
    });
    expect(limiter.admit("m", limits, { inputTokens: 20, outputTokens: 0 }, T0 + 2).admitted).toBe(true);
    expect(limiter.admit("n", limits, { inputTokens: 150, outputTokens: 0 }, T0)).toMatchObject({
      admitted: false,
      rejection: { resource: "tokens", exceedsWholeBudget: true },
    });
  });

  it("charges output learned after admission", () => {
    const limiter = new RateLimiter();
    const limits = settings({ tokensPerWindow: 100 });
    limiter.admit("m", limits, { inputTokens: 10, outputTokens: 0 }, T0);
    const snapshot = limiter.chargeOutput("m", limits, 85, T0 + 1);
    expect(snapshot.tokens.remaining).toBe(5);
    expect(snapshot.outputTokens.remaining).toBe(15);
    expect(limiter.admit("m", limits, small, T0 + 2).admitted).toBe(false);
  });

  it("bounds requests in flight and frees a slot on release", () => {
    const limiter = new RateLimiter();
    const limits = settings({ maxConcurrent: 1 });
    expect(limiter.admit("m", limits, small, T0)).toMatchObject({ admitted: true, tracksConcurrency: true });
    expect(limiter.admit("m", limits, small, T0)).toMatchObject({
      admitted: false,
      rejection: { resource: "concurrency", limit: 1, retryAfterMs: 250 },
    });
    limiter.release("m");
    expect(limiter.admit("m", limits, small, T0).admitted).toBe(true);
  });

  it("forgets everything on reset", () => {
    const limiter = new RateLimiter();
    const limits = settings({ requestsPerWindow: 1 });
    limiter.admit("m", limits, small, T0);
    expect(limiter.admit("m", limits, small, T0).admitted).toBe(false);
    limiter.reset();
    expect(limiter.admit("m", limits, small, T0).admitted).toBe(true);
  });
});
