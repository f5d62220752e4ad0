import type { FinishReason } from "@switchyard/contracts";

/** The finish reasons an OpenAI client knows (the legacy `function_call` is never produced). */
export type OpenAiFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/**
 * Switchyard's finish reason → OpenAI's, for answering OpenAI-format clients. OpenAI has no `error` or
 * `other`; both become `stop`, the reason a client treats as "the answer is what you got" (an answer that
 * failed outright is an error response, never a completion, so `error` here only labels partial text).
 */
export function convertToOpenAiFinishReason(finishReason: FinishReason): OpenAiFinishReason {
  switch (finishReason) {
    case "length":
    case "tool_calls":
    case "content_filter":
      return finishReason;
    case "stop":
    case "error":
    case "other":
      return "stop";
  }
}
