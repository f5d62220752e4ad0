import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { backoffDelayMs } from "./backoff-delay.js";

const backoff = { baseDelayMs: 250, maxDelayMs: 8_000 };
/** The largest double below 1: what `Math.random()` may return at most. */
const ALMOST_ONE = 1 - Number.EPSILON / 2;

describe("backoffDelayMs", () => {
  it("is 0 when the injected random is 0, whatever the attempt", () => {
    for (const attempt of [1, 2, 5, 20]) expect(backoffDelayMs(attempt, backoff, () => 0)).toBe(0);
  });

  it("doubles the ceiling with each attempt, starting from baseDelayMs", () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, backoff, () => ALMOST_ONE));
    expect(ceilings).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000]);
  });

  it("caps the ceiling at maxDelayMs", () => {
    expect(backoffDelayMs(7, backoff, () => ALMOST_ONE)).toBe(8_000);
    expect(backoffDelayMs(60, backoff, () => ALMOST_ONE)).toBe(8_000);
    expect(backoffDelayMs(3, { baseDelayMs: 1_000, maxDelayMs: 1_500 }, () => ALMOST_ONE)).toBe(1_500);
  });

  it("draws a full jitter: the injected random scales the ceiling, rounded to whole milliseconds", () => {
    expect(backoffDelayMs(3, backoff, () => 0.5)).toBe(500);
    expect(backoffDelayMs(3, backoff, () => 0.25)).toBe(250);
    expect(backoffDelayMs(1, { baseDelayMs: 3, maxDelayMs: 100 }, () => 0.5)).toBe(2);
  });

  it("treats an attempt below 1 as the first", () => {
    expect(backoffDelayMs(0, backoff, () => ALMOST_ONE)).toBe(250);
    expect(backoffDelayMs(-3, backoff, () => ALMOST_ONE)).toBe(250);
  });

  it("stays within [0, min(maxDelayMs, baseDelayMs × 2^(attempt − 1))], grows with the attempt, and with the random", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 101 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, draw) => {
          const config = { baseDelayMs, maxDelayMs };
          const delayMs = backoffDelayMs(attempt, config, () => draw);
          expect(Number.isInteger(delayMs)).toBe(true);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThanOrEqual(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
          expect(backoffDelayMs(attempt + 1, config, () => draw)).toBeGreaterThanOrEqual(delayMs);
          expect(backoffDelayMs(attempt, config, () => Math.min(ALMOST_ONE, draw + 0.1))).toBeGreaterThanOrEqual(delayMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
