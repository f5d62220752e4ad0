import type { FinishReason } from "@switchyard/contracts";

/**
 * Anthropic's `stop_reason` → Switchyard's finish reason. `model_context_window_exceeded` (the answer ran into
 * the context window) is a length cut like `max_tokens`; `pause_turn` (a server tool paused a long turn) and
 * reasons added later are `other`.
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}
