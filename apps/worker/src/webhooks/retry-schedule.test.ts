import { describe, expect, it } from "vitest";
import { parseRetryAfterMs, webhookRetryDelayMs } from "./retry-schedule.js";

const SPEC = { retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000], jitterRatio: 0.2 };

describe("webhookRetryDelayMs", () => {
  it("follows the schedule exactly without jitter (random 0.5 is the middle)", () => {
    const delays = SPEC.retryScheduleMs.map((_, index) => webhookRetryDelayMs(index + 1, SPEC, () => 0.5));
    expect(delays).toEqual(SPEC.retryScheduleMs);
  });

  it("spreads each delay by ± the jitter ratio, never outside it", () => {
    expect(webhookRetryDelayMs(2, SPEC, () => 0)).toBe(240_000);
    expect(webhookRetryDelayMs(2, SPEC, () => 0.999_999)).toBeCloseTo(360_000, -1);
    for (let n = 0; n < 200; n++) {
      const delay = webhookRetryDelayMs(1, SPEC, Math.random);
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(6_000);
    }
  });

  it("stops after the schedule: -1", () => {
    expect(webhookRetryDelayMs(8, SPEC, () => 0.5)).toBe(-1);
    expect(webhookRetryDelayMs(1, { retryScheduleMs: [], jitterRatio: 0 }, () => 0.5)).toBe(-1);
  });

  it("waits longer when the receiver's retry-after asks for it, within a day", () => {
    expect(webhookRetryDelayMs(1, SPEC, () => 0.5, 60_000)).toBe(60_000);
    expect(webhookRetryDelayMs(2, SPEC, () => 0.5, 60_000)).toBe(300_000);
    expect(webhookRetryDelayMs(1, SPEC, () => 0.5, 10 * 24 * 3_600_000)).toBe(5_000);
  });
});

describe("parseRetryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfterMs("7", 0)).toBe(7_000);
    expect(parseRetryAfterMs("Thu, 01 Jan 1970 00:01:00 GMT", 0)).toBe(60_000);
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined();
    expect(parseRetryAfterMs("soon", 0)).toBeUndefined();
  });
});
