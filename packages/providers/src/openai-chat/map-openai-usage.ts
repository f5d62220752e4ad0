import type { TokenUsage } from "@switchyard/contracts";
import type { OpenAiUsageBody } from "./openai-response-schema.js";

/**
 * OpenAI's `usage` → Switchyard's. Servers that omit usage (some local OpenAI-compatible ones, in streams
 * too) are billed as zero rather than failing an answer that did arrive.
 */
export function mapOpenAiUsage(usage: OpenAiUsageBody | null | undefined): TokenUsage {
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}
