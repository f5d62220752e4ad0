import type { ChatResult } from "@switchyard/contracts";
import { GEMINI_CONVERSION_CONTEXT } from "./gemini-conversion-error.js";
import { parseToolCallArguments } from "./parse-tool-call-arguments.js";
import { convertToGeminiFinishReason, type GeminiFinishReason } from "./convert-to-gemini-finish-reason.js";

/** Gemini's `GenerateContentResponse`, as Switchyard answers Gemini-format clients. */
export interface GeminiGenerateContentResponse {
  candidates: [
    {
      content: { role: "model"; parts: Array<{ text: string } | { functionCall: { name: string; args: Record<string, unknown> } }> };
      finishReason: GeminiFinishReason;
      index: 0;
    },
  ];
  usageMetadata: {
    promptTokenCount: number;
    candidatesTokenCount: number;
    totalTokenCount: number;
    cachedContentTokenCount?: number;
  };
  modelVersion: string;
  responseId?: string;
}

/**
 * A `ChatResult` → Gemini's `GenerateContentResponse`, the inverse of `mapGeminiResponse`. What does not come back
 * when it is read again: tool call ids (Gemini's calls have none; new ones are derived from the response id), the
 * `error` finish reason (OTHER reads as `other`), and `rateLimit`, which describes Switchyard's provider, not the
 * client's budget. Tool call arguments that are not a JSON object cannot be written as `args` and are refused.
 */
export function convertToGeminiResponse(result: ChatResult): GeminiGenerateContentResponse {
  const parts: GeminiGenerateContentResponse["candidates"][0]["content"]["parts"] = [];
  if (result.message.content !== null) parts.push({ text: result.message.content });
  (result.message.tool_calls ?? []).forEach((toolCall, index) => {
    const args = parseToolCallArguments(toolCall.function.arguments, `message.tool_calls[${index}]`, GEMINI_CONVERSION_CONTEXT);
    parts.push({ functionCall: { name: toolCall.function.name, args } });
  });
  const { inputTokens, outputTokens, cachedInputTokens } = result.usage;
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: convertToGeminiFinishReason(result.finishReason), index: 0 }],
    usageMetadata: {
      promptTokenCount: inputTokens,
      candidatesTokenCount: outputTokens,
      totalTokenCount: inputTokens + outputTokens,
      ...(cachedInputTokens > 0 ? { cachedContentTokenCount: cachedInputTokens } : {}),
    },
    modelVersion: result.model,
    ...(result.providerResponseId === undefined ? {} : { responseId: result.providerResponseId }),
  };
}
