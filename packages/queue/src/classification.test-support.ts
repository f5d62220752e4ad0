import type { Classification } from "@switchyard/contracts";

/** A plain `standard`-tier classification, for tests that need a request record and care nothing for its routing. */
export const standardClassification: Classification = {
  complexity: "low",
  signals: [],
  domain: "general",
  estimatedInputTokens: 12,
  containsPii: false,
  piiKinds: [],
  urgency: "normal",
  tier: "standard",
};
