import type { FinishReason } from "@switchyard/contracts";

export type GeminiFinishReason = "STOP" | "MAX_TOKENS" | "SAFETY" | "OTHER";

/**
 * Switchyard's finish reason → Gemini's, the inverse of `mapGeminiFinishReason` where one exists: `tool_calls` is a
 * STOP (Gemini tells a call by its parts), `content_filter` is SAFETY (the filter's finer kind is gone), and `error`
 * and `other` are OTHER, which reads back as `other`.
 */
export function convertToGeminiFinishReason(finishReason: FinishReason): GeminiFinishReason {
  switch (finishReason) {
    case "stop":
    case "tool_calls":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    case "error":
    case "other":
      return "OTHER";
  }
}
