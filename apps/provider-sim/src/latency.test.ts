import { describe, expect, it } from "vitest";
import { sampleLatencyMs } from "./latency.js";
import { createSeededRandom } from "./random-source.js";

function samples(count: number, draw: () => number): number[] {
  return Array.from({ length: count }, draw).sort((left, right) => left - right);
}

describe("sampleLatencyMs", () => {
  it("returns the fixed value", () => {
    expect(sampleLatencyMs({ kind: "fixed", ms: 50 }, Math.random)).toBe(50);
  });

  it("stays within a uniform range", () => {
    const random = createSeededRandom(1);
    const drawn = samples(5_000, () => sampleLatencyMs({ kind: "uniform", minMs: 10, maxMs: 20 }, random));
    expect(drawn[0]).toBeGreaterThanOrEqual(10);
    expect(drawn.at(-1)).toBeLessThanOrEqual(20);
  });

  it("matches a lognormal's median and p99 roughly", () => {
    const random = createSeededRandom(42);
    const drawn = samples(20_000, () => sampleLatencyMs({ kind: "lognormal", medianMs: 100, p99Ms: 1_000 }, random));
    const median = drawn[Math.floor(drawn.length * 0.5)] ?? 0;
    const p99 = drawn[Math.floor(drawn.length * 0.99)] ?? 0;
    expect(median).toBeGreaterThan(90);
    expect(median).toBeLessThan(110);
    expect(p99).toBeGreaterThan(800);
    expect(p99).toBeLessThan(1_250);
  });

  it("is replayable from a seed", () => {
    const latency = { kind: "lognormal", medianMs: 100, p99Ms: 500 } as const;
    const first = createSeededRandom(7);
    const second = createSeededRandom(7);
    const a = Array.from({ length: 10 }, () => sampleLatencyMs(latency, first));
    const b = Array.from({ length: 10 }, () => sampleLatencyMs(latency, second));
    expect(a).toEqual(b);
  });
});
