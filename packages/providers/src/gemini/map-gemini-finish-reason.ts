import type { FinishReason } from "@switchyard/contracts";

/** Gemini stops a candidate for these because of what it says, or would say (its safety and recitation filters). */
const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/**
 * Gemini's `finishReason` → Switchyard's. Gemini ends a turn that calls functions with STOP, so calls in the answer
 * make a STOP into `tool_calls`. Everything unknown (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, reasons added later)
 * is `other`.
 */
export function mapGeminiFinishReason(finishReason: string | null | undefined, hasFunctionCalls: boolean): FinishReason {
  if (finishReason === "STOP") return hasFunctionCalls ? "tool_calls" : "stop";
  if (finishReason === "MAX_TOKENS") return "length";
  if (finishReason != null && FILTERED.has(finishReason)) return "content_filter";
  return "other";
}
