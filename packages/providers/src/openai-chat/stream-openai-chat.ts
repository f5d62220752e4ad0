import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import type { ChatResult, ChatStreamEvent } from "@switchyard/contracts";
import type { ProviderCallOptions } from "../provider-adapter.js";
import { createRequestDeadline } from "../request-deadline.js";
import { mapTransportError } from "../map-transport-error.js";
import { convertToOpenAiRequest } from "./convert-to-openai-request.js";
import { sendOpenAiChatRequest, type OpenAiTransport } from "./send-openai-chat-request.js";
import { mapOpenAiError } from "./map-openai-error.js";
import { mapOpenAiResponse } from "./map-openai-response.js";
import { mapOpenAiStream } from "./map-openai-stream.js";
import { parseSse } from "../sse/parse-sse.js";

/**
 * One streamed chat completion. Nothing is sent until the first `next()`; a non-2xx answer rejects that
 * `next()` with the same `ProviderError` `chat` would give, and every later failure (a cut-off stream, an
 * error event, the deadline, a dropped connection) is thrown from the iterator as a `ProviderError`.
 *
 * `deployment.timeoutMs` bounds the whole stream, as it bounds the whole of a `chat` call: a stream still
 * running at the deadline ends with `timeout`. A consumer that stops early (`break`, `return()`) destroys the
 * body, which closes the connection; reading an unwanted answer to its end could take minutes.
 */
export async function* streamOpenAiChat(
  { deployment, apiKey, request, signal }: ProviderCallOptions,
  transport: OpenAiTransport,
): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const context = { provider: deployment.provider, deploymentId: deployment.id };
  const deadline = createRequestDeadline(deployment.timeoutMs, signal);
  let response: Dispatcher.ResponseData | undefined;
  try {
    const body = convertToOpenAiRequest(request, deployment, { stream: true });
    response = await sendOpenAiChatRequest({ deployment, apiKey, body, signal: deadline.signal }, transport);
    const { statusCode: status, headers } = response;
    if (status < 200 || status >= 300) {
      const bodyText = await response.body.text();
      throw mapOpenAiError({ status, headers, bodyText }, context);
    }
    if (isJson(headers)) {
      // A server that ignores `stream: true` (some proxies and local servers do) answers with a whole
      // completion; it is still the answer, so it is replayed as events rather than failed.
      const bodyText = await response.body.text();
      yield* replayAsEvents(mapOpenAiResponse(bodyText, { ...context, status, requestedModel: deployment.model, headers }));
      return;
    }
    yield* mapOpenAiStream(parseSse(response.body), { ...context, status, requestedModel: deployment.model, headers });
  } catch (error) {
    throw mapTransportError(error, deadline, context, deployment.timeoutMs);
  } finally {
    deadline.dispose();
    const body = response?.body;
    if (body !== undefined && !body.readableEnded && !body.destroyed) body.destroy();
  }
}

function isJson(headers: IncomingHttpHeaders): boolean {
  const contentType = headers["content-type"];
  return typeof contentType === "string" && /^application\/json\b/i.test(contentType.trim());
}

function replayAsEvents(result: ChatResult): ChatStreamEvent[] {
  const { model, providerResponseId } = result;
  const start: ChatStreamEvent = { type: "start", model, ...(providerResponseId === undefined ? {} : { providerResponseId }) };
  const events: ChatStreamEvent[] = [start];
  if (result.message.content) events.push({ type: "text-delta", text: result.message.content });
  for (const [index, toolCall] of (result.message.tool_calls ?? []).entries()) {
    const { id, function: call } = toolCall;
    events.push({ type: "tool-call-delta", index, id, name: call.name, argumentsDelta: call.arguments });
  }
  events.push({ type: "finish", finishReason: result.finishReason, usage: result.usage });
  return events;
}
