import type { FinishReason } from "@switchyard/contracts";

/** The stop reasons an Anthropic client is answered with. */
export type AnthropicStopReason = "end_turn" | "max_tokens" | "tool_use" | "refusal";

/**
 * Switchyard's finish reason → Anthropic's, for answering Anthropic-format clients. `error` and `other` become
 * `end_turn`, the reason that means "the answer is what you got"; `pause_turn` would ask the client to send
 * the turn again. A matched stop sequence is `end_turn` too: Switchyard does not keep which sequence matched,
 * and `stop_sequence` promises to name it.
 */
export function convertToAnthropicStopReason(finishReason: FinishReason): AnthropicStopReason {
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    case "stop":
    case "error":
    case "other":
      return "end_turn";
  }
}
