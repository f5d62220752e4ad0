import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ChatResult, ToolCall } from "@switchyard/contracts";
import { openAiChatResponseSchema, type OpenAiToolCallBody } from "./openai-response-schema.js";
import { mapOpenAiFinishReason } from "./map-openai-finish-reason.js";
import { mapOpenAiUsage } from "./map-openai-usage.js";
import { readResponseBody } from "../read-response-body.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

export interface OpenAiResponseContext extends ProviderErrorContext {
  status: number;
  /** Reported as the model when the server names none. */
  requestedModel: string;
  /** The answer's headers; their rate-limit budget is attached to the result when they carry one. */
  headers?: IncomingHttpHeaders;
  nowMs?: number;
}

/**
 * A 2xx body → `ChatResult`, or an `invalid_response` ProviderError when it is not JSON or not a chat
 * completion (a proxy's HTML page, an error object with status 200, ...).
 */
export function mapOpenAiResponse(bodyText: string, context: OpenAiResponseContext): ChatResult {
  const { body: response } = readResponseBody(bodyText, openAiChatResponseSchema, "a chat completion", context);
  // `choices.min(1)` guarantees the first choice; n > 1 is never requested.
  const choice = response.choices[0]!;
  const content = choice.message.content ?? null;
  const toolCalls = (choice.message.tool_calls ?? []).map(mapToolCall);
  // A refusal is a content decision by the model: report it as filtered rather than as an empty answer.
  const refused = content === null && typeof choice.message.refusal === "string";
  const rateLimit = context.headers === undefined ? undefined : parseRateLimitHeaders(context.headers, context.nowMs);
  return {
    model: response.model ?? context.requestedModel,
    message: { role: "assistant", content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
    finishReason: refused ? "content_filter" : mapOpenAiFinishReason(choice.finish_reason),
    usage: mapOpenAiUsage(response.usage),
    ...(response.id === undefined ? {} : { providerResponseId: response.id }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}

/**
 * Some OpenAI-compatible servers omit a call's `id` or send no `arguments` for a function without parameters;
 * the contract needs both, and a tool message must be able to answer the call by id.
 */
function mapToolCall(toolCall: OpenAiToolCallBody): ToolCall {
  return {
    id: toolCall.id || `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
    type: "function",
    function: { name: toolCall.function.name, arguments: toolCall.function.arguments ?? "{}" },
  };
}
