import type { ChatResult, Classification } from "@switchyard/contracts";

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

/** A small successful answer, to finish such a record with. */
export const smallResult = {
  model: "m",
  message: { role: "assistant" as const, content: "hi" },
  finishReason: "stop" as const,
  usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0 },
} satisfies ChatResult;
