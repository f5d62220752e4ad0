import { describe, expect, it } from "vitest";
import { parseRetryAfterMs } from "./parse-retry-after.js";

const nowMs = Date.parse("2025-06-01T12:00:00Z");

describe("parseRetryAfterMs", () => {
  it.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "12.2", "retry-after": "5" }, 13],
    [{ "retry-after": "2" }, 2_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": "Sun, 01 Jun 2025 12:00:30 GMT" }, 30_000],
    [{ "retry-after": "Sun, 01 Jun 2025 11:00:00 GMT" }, 0],
    [{ "retry-after-ms": "soon", "retry-after": "1" }, 1_000],
    [{ "retry-after": "later" }, undefined],
    [{ "retry-after": "-3" }, undefined],
    [{}, undefined],
  ])("%j → %s", (headers, expected) => {
    expect(parseRetryAfterMs(headers, nowMs)).toBe(expected);
  });
});
