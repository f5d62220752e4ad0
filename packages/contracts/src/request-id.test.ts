import { describe, expect, it } from "vitest";
import { newRequestId, REQUEST_ID_PATTERN } from "./request-id.js";

describe("newRequestId", () => {
  it("has the ULID layout and sorts by time", () => {
    const earlier = newRequestId(1_700_000_000_000);
    const later = newRequestId(1_700_000_000_001);
    expect(earlier).toMatch(REQUEST_ID_PATTERN);
    expect(later).toMatch(REQUEST_ID_PATTERN);
    expect(earlier.slice(0, 14) < later.slice(0, 14)).toBe(true);
  });

  it("draws fresh randomness for every id, across refills of its random pool", () => {
    // 1,000 ids at one instant span several pools of 256: every one differs in its random part.
    const ids = Array.from({ length: 1_000 }, () => newRequestId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    const randomParts = ids.map((id) => id.slice(14));
    expect(new Set(randomParts).size).toBe(ids.length);
  });
});
