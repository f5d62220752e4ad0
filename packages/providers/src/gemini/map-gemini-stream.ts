import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import { bodyExcerpt } from "../body-excerpt.js";
import type { ProviderErrorContext } from "../map-transport-error.js";
import type { ServerSentEvent } from "../sse/parse-sse.js";
import { geminiErrorBodySchema, geminiResponseSchema, type GeminiUsageMetadata } from "./gemini-response-schema.js";
import { answerParts, mapFunctionCall } from "./map-gemini-response.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";
import { mapGeminiUsage } from "./map-gemini-usage.js";
import { mapGeminiStreamError } from "./map-gemini-error.js";
import { geminiPromptBlockedError } from "./gemini-prompt-blocked-error.js";

export interface GeminiStreamContext extends ProviderErrorContext {
  /** Reported as the model when the chunks name no `modelVersion`. */
  requestedModel: string;
  /** The stream's response headers, for the rate-limit budget an error reports. */
  headers?: IncomingHttpHeaders;
}

/**
 * `streamGenerateContent?alt=sse` events → normalized stream events. Each event's data is a whole
 * GenerateContentResponse holding the new parts: text parts become `text-delta`s, and each `functionCall` (Gemini
 * sends a call whole, never in pieces) one `tool-call-delta` with all its arguments. The last chunk carries the
 * `finishReason` and the final `usageMetadata` (each chunk's usage is cumulative, so the last one seen counts); the
 * `finish` event is sent once the stream has ended. A stream that ends without a finish reason was cut short and is
 * `invalid_response`; an `{"error": ...}` event, a blocked prompt, or a chunk that is not a response is an error too.
 */
export async function* mapGeminiStream(events: AsyncIterable<ServerSentEvent>, context: GeminiStreamContext): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const invalid = (reason: string, dataText?: string) =>
    new ProviderError({
      kind: "invalid_response",
      message: `${context.provider} stream ${reason}`,
      provider: context.provider,
      deploymentId: context.deploymentId,
      ...(dataText === undefined ? {} : { bodyExcerpt: bodyExcerpt(dataText) }),
    });

  let idPrefix: string | undefined;
  let toolCallCount = 0;
  let finishReason: string | undefined;
  let usage: GeminiUsageMetadata | undefined;

  for await (const event of events) {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw invalid("sent an event that is not JSON", event.data);
    }
    const errorBody = geminiErrorBodySchema.safeParse(json);
    if (errorBody.success) throw mapGeminiStreamError(errorBody.data.error, event.data, context);
    const parsed = geminiResponseSchema.safeParse(json);
    if (!parsed.success) throw invalid("sent an event that is not a GenerateContentResponse", event.data);
    const chunk = parsed.data;
    const blockReason = chunk.promptFeedback?.blockReason;
    if (blockReason) throw geminiPromptBlockedError(blockReason, { ...context, bodyExcerpt: bodyExcerpt(event.data) });

    if (idPrefix === undefined) {
      idPrefix = chunk.responseId || randomUUID().replaceAll("-", "").slice(0, 16);
      yield {
        type: "start",
        model: chunk.modelVersion || context.requestedModel,
        ...(chunk.responseId ? { providerResponseId: chunk.responseId } : {}),
      };
    }
    const candidate = chunk.candidates?.[0];
    for (const part of candidate === undefined ? [] : answerParts(candidate)) {
      if (part.functionCall) {
        const toolCall = mapFunctionCall(part.functionCall, toolCallCount, idPrefix);
        yield { type: "tool-call-delta", index: toolCallCount, id: toolCall.id, name: toolCall.function.name, argumentsDelta: toolCall.function.arguments };
        toolCallCount++;
      } else if (part.text) {
        yield { type: "text-delta", text: part.text };
      }
    }
    if (candidate?.finishReason && candidate.finishReason !== "FINISH_REASON_UNSPECIFIED") finishReason = candidate.finishReason;
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
  }

  if (finishReason === undefined) throw invalid("ended without a finishReason");
  yield { type: "finish", finishReason: mapGeminiFinishReason(finishReason, toolCallCount > 0), usage: mapGeminiUsage(usage) };
}
