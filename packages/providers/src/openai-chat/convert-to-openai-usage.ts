import type { TokenUsage } from "@switchyard/contracts";

/** OpenAI's `usage` object (its `CompletionUsage`), as Switchyard reports it to OpenAI-format clients. */
export interface OpenAiCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

/** Switchyard's usage → OpenAI's; `total_tokens` is the sum, as OpenAI reports it. */
export function convertToOpenAiUsage(usage: TokenUsage): OpenAiCompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
  };
}
