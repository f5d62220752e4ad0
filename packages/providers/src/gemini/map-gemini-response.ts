import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ChatResult, ToolCall } from "@switchyard/contracts";
import { bodyExcerpt } from "../body-excerpt.js";
import { readResponseBody } from "../read-response-body.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiResponseSchema, type GeminiCandidate, type GeminiResponsePart } from "./gemini-response-schema.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";
import { mapGeminiUsage } from "./map-gemini-usage.js";
import { geminiPromptBlockedError } from "./gemini-prompt-blocked-error.js";
import { geminiToolCallId } from "./gemini-tool-call-id.js";

export interface GeminiResponseContext extends ProviderErrorContext {
  status: number;
  /** Reported as the model when the answer names no `modelVersion`. */
  requestedModel: string;
  /** The answer's headers; their rate-limit budget is attached to the result when they carry one. */
  headers?: IncomingHttpHeaders;
  nowMs?: number;
}

/**
 * A 2xx `generateContent` body → `ChatResult`. Only the first candidate is read (Switchyard never asks for more).
 * A prompt Gemini's filters refused is a `content_filtered` error; a body that is not JSON, not a
 * GenerateContentResponse, or has neither candidates nor a block reason is `invalid_response`. A candidate stopped by
 * a filter is an answer, with finish reason `content_filter` and whatever content it has.
 */
export function mapGeminiResponse(bodyText: string, context: GeminiResponseContext): ChatResult {
  const { body: response, invalid } = readResponseBody(bodyText, geminiResponseSchema, "a GenerateContentResponse", context);
  const excerpt = bodyExcerpt(bodyText);

  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) throw geminiPromptBlockedError(blockReason, { ...context, httpStatus: context.status, bodyExcerpt: excerpt });
  const candidate = response.candidates?.[0];
  if (candidate === undefined) throw invalid("a GenerateContentResponse without candidates");

  const parts = answerParts(candidate);
  const texts = parts.flatMap((part) => (part.text == null ? [] : [part.text]));
  const idPrefix = response.responseId || randomUUID().replaceAll("-", "").slice(0, 16);
  const toolCalls = parts.flatMap((part) => (part.functionCall ? [part.functionCall] : [])).map((call, index) => mapFunctionCall(call, index, idPrefix));
  const rateLimit = context.headers === undefined ? undefined : parseRateLimitHeaders(context.headers, context.nowMs);
  return {
    model: response.modelVersion || context.requestedModel,
    message: { role: "assistant", content: texts.length > 0 ? texts.join("") : null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
    finishReason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0),
    usage: mapGeminiUsage(response.usageMetadata),
    ...(response.responseId ? { providerResponseId: response.responseId } : {}),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}

/** The parts that make up the answer: thought summaries are the model's notes, not what it says. */
export function answerParts(candidate: GeminiCandidate): GeminiResponsePart[] {
  return (candidate.content?.parts ?? []).filter((part) => part.thought !== true);
}

/** A call, with Gemini's own id when it sent one (see gemini-tool-call-id.ts otherwise). */
export function mapFunctionCall(call: NonNullable<GeminiResponsePart["functionCall"]>, index: number, idPrefix: string): ToolCall {
  return {
    id: call.id || geminiToolCallId(index, idPrefix),
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}
