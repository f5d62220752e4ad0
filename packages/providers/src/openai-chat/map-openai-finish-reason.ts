import type { FinishReason } from "@switchyard/contracts";

/** OpenAI's `finish_reason` → Switchyard's. `function_call` is the pre-tools spelling of `tool_calls`. */
export function mapOpenAiFinishReason(finishReason: string | null | undefined): FinishReason {
  switch (finishReason) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    default:
      return "other";
  }
}
