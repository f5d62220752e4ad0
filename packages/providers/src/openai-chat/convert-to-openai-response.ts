import type { ChatResult, ToolCall } from "@switchyard/contracts";
import { convertToOpenAiFinishReason, type OpenAiFinishReason } from "./convert-to-openai-finish-reason.js";
import { convertToOpenAiUsage, type OpenAiCompletionUsage } from "./convert-to-openai-usage.js";
import { generateOpenAiCompletionId } from "./generate-openai-completion-id.js";

/** OpenAI's `chat.completion` body, as Switchyard answers OpenAI-format clients. */
export interface OpenAiChatCompletion {
  id: string;
  object: "chat.completion";
  /** Unix seconds. */
  created: number;
  model: string;
  choices: [OpenAiChatCompletionChoice];
  usage: OpenAiCompletionUsage;
}

export interface OpenAiChatCompletionChoice {
  index: 0;
  message: {
    role: "assistant";
    content: string | null;
    /** Always null: a refusal reaches Switchyard as `content_filter` with no content, and its text is gone. */
    refusal: null;
    tool_calls?: ToolCall[];
  };
  logprobs: null;
  finish_reason: OpenAiFinishReason;
}

export interface ConvertToOpenAiResponseOptions {
  /** The completion's id. Default: the provider's response id, else a generated `chatcmpl-…`. */
  id?: string;
  /** The clock for `created`. Default: now. */
  nowMs?: number;
}

/**
 * A `ChatResult` → OpenAI's `chat.completion` body, the inverse of `mapOpenAiResponse` (which reads it back to
 * the same result, except `error`/`other` finish reasons, which become `stop`; see
 * convert-to-openai-finish-reason.ts). `rateLimit` describes Switchyard's provider, not the client's budget,
 * and stays out.
 */
export function convertToOpenAiResponse(result: ChatResult, options: ConvertToOpenAiResponseOptions = {}): OpenAiChatCompletion {
  const toolCalls = result.message.tool_calls;
  return {
    id: options.id ?? result.providerResponseId ?? generateOpenAiCompletionId(),
    object: "chat.completion",
    created: Math.floor((options.nowMs ?? Date.now()) / 1000),
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: result.message.content,
          refusal: null,
          ...(toolCalls !== undefined && toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: convertToOpenAiFinishReason(result.finishReason),
      },
    ],
    usage: convertToOpenAiUsage(result.usage),
  };
}
