import { describe, expect, it } from "vitest";
import { COMPLEXITIES, URGENCIES } from "@switchyard/contracts";
import { determineTier } from "./determine-tier.js";

describe("determineTier", () => {
  it("follows the seed rule", () => {
    expect(determineTier({ containsPii: false, complexity: "low", urgency: "normal" })).toBe("standard");
    expect(determineTier({ containsPii: false, complexity: "medium", urgency: "high" })).toBe("standard");
    expect(determineTier({ containsPii: false, complexity: "high", urgency: "normal" })).toBe("premium");
    expect(determineTier({ containsPii: false, complexity: "low", urgency: "realtime" })).toBe("fast");
    expect(determineTier({ containsPii: false, complexity: "low", urgency: "batch" })).toBe("batch");
  });

  it("sends PII and requiresLocal to private, whatever the complexity or urgency", () => {
    for (const complexity of COMPLEXITIES) {
      for (const urgency of URGENCIES) {
        expect(determineTier({ containsPii: true, complexity, urgency })).toBe("private");
        expect(determineTier({ containsPii: false, complexity, urgency, requiresLocal: true })).toBe("private");
      }
    }
  });

  it("orders batch before premium, and premium before fast", () => {
    expect(determineTier({ containsPii: false, complexity: "high", urgency: "batch" })).toBe("batch");
    expect(determineTier({ containsPii: false, complexity: "high", urgency: "realtime" })).toBe("premium");
  });

  it("ignores requiresLocal: false", () => {
    expect(determineTier({ containsPii: false, complexity: "low", urgency: "normal", requiresLocal: false })).toBe("standard");
  });
});
