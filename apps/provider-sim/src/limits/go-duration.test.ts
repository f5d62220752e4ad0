import { describe, expect, it } from "vitest";
import { formatGoDuration } from "./go-duration.js";

describe("formatGoDuration", () => {
  it.each([
    [0, "0s"],
    [84, "84ms"],
    [999.2, "1s"],
    [1_000, "1s"],
    [1_500, "1.5s"],
    [20_250, "20.25s"],
    [60_000, "1m0s"],
    [360_000, "6m0s"],
    [3_723_500, "1h2m3.5s"],
    [-5, "0s"],
  ])("%d ms → %s", (ms, text) => expect(formatGoDuration(ms)).toBe(text));
});
