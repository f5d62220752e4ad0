import type { TokenUsage } from "@switchyard/contracts";
import type { GeminiUsageMetadata } from "./gemini-response-schema.js";

/**
 * Gemini's `usageMetadata` → Switchyard's usage. `promptTokenCount` already includes the cached tokens, as OpenAI's
 * `prompt_tokens` does. Thinking tokens are counted apart from `candidatesTokenCount` but billed as output, so they
 * are added to the output: cost accounting must see them. Missing counts (proto3 JSON leaves out zeros) are 0.
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata | null | undefined): TokenUsage {
  return {
    inputTokens: usage?.promptTokenCount ?? 0,
    outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
    cachedInputTokens: usage?.cachedContentTokenCount ?? 0,
  };
}
