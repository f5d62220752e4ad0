import { z } from "zod";
import { chatRequestSchema, ProviderError, type ChatRequest, type ClientFormat } from "@switchyard/contracts";
import { convertFromAnthropicRequest, convertFromGeminiRequest } from "@switchyard/providers";
import { ApiError } from "../../http/api-error.js";
import { parseOrThrow } from "../../http/parse-body.js";

/**
 * Switchyard's own options on a body in a provider's format. They live under one `switchyard` key, so that the
 * rest of the body is exactly what that provider's clients send (Anthropic's own `metadata` is not ours).
 */
const switchyardOptionsSchema = chatRequestSchema.pick({ metadata: true, constraints: true, tenant: true, webhook: true }).strict();

const anthropicEnvelopeSchema = z.object({ switchyard: switchyardOptionsSchema.optional() }).loose();

/** Gemini names the model in the URL (`models/{model}:generateContent`); here the body carries it. */
const geminiEnvelopeSchema = z
  .object({ switchyard: switchyardOptionsSchema.optional(), model: chatRequestSchema.shape.model })
  .loose();

/**
 * The body of `POST /v1/requests` in the client's format → Switchyard's request. `openai` is the native shape
 * (orchestration options at the top level); `anthropic` is a Messages API body and `gemini` a `generateContent`
 * body, each plus an optional `switchyard` object. What the canonical request cannot express is a 400 naming it.
 */
export function readClientRequest(format: ClientFormat, body: unknown): ChatRequest {
  switch (format) {
    case "openai": {
      const request = parseOrThrow(chatRequestSchema, body);
      // `stream` is set by the drop-in endpoints only: nobody would read an asynchronous request's stream.
      if (request.stream !== undefined) {
        throw ApiError.badRequest("stream: an asynchronous request cannot stream; omit stream and poll the request, or stream from POST /v1/chat/completions", "stream");
      }
      return request;
    }
    case "anthropic": {
      const { switchyard, ...native } = parseOrThrow(anthropicEnvelopeSchema, body);
      const converted = convertFromAnthropicRequest(native);
      if (!converted.success) throw ApiError.badRequest(converted.message, converted.path || null);
      if (converted.stream) {
        throw ApiError.badRequest("stream: an asynchronous request cannot stream; omit stream and poll the request", "stream");
      }
      return { ...converted.request, ...switchyard };
    }
    case "gemini": {
      const { switchyard, model, ...native } = parseOrThrow(geminiEnvelopeSchema, body);
      try {
        return { ...convertFromGeminiRequest(native, model === undefined ? {} : { model }), ...switchyard };
      } catch (error) {
        if (ProviderError.is(error)) throw ApiError.badRequest(error.message);
        throw error;
      }
    }
  }
}
