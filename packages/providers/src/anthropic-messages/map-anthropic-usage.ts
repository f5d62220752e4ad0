import type { TokenUsage } from "@switchyard/contracts";
import type { AnthropicUsageBody } from "./anthropic-response-schema.js";

/**
 * Anthropic's usage → Switchyard's. Switchyard counts input as OpenAI does, cached tokens included (they are
 * a part of `inputTokens`, reported again as `cachedInputTokens`), while Anthropic's `input_tokens` leaves out
 * both the tokens read from the cache and those written to it. So the input is the sum of the three, and
 * the cached input is what was read from the cache.
 */
export function mapAnthropicUsage(usage: AnthropicUsageBody | null | undefined): TokenUsage {
  const cacheReadTokens = usage?.cache_read_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + cacheReadTokens,
    outputTokens: usage?.output_tokens ?? 0,
    cachedInputTokens: cacheReadTokens,
  };
}
