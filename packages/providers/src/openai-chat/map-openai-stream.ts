import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import { openAiStreamChunkSchema } from "./openai-stream-chunk-schema.js";
import { openAiErrorBodySchema, type OpenAiUsageBody } from "./openai-response-schema.js";
import { mapOpenAiFinishReason } from "./map-openai-finish-reason.js";
import { mapOpenAiUsage } from "./map-openai-usage.js";
import { mapOpenAiStreamError, type OpenAiStreamErrorContext } from "./map-openai-stream-error.js";
import type { ServerSentEvent } from "../sse/parse-sse.js";
import { bodyExcerpt } from "../body-excerpt.js";

export interface OpenAiStreamContext extends OpenAiStreamErrorContext {
  /** The response's status, reported on `invalid_response` errors as `chat` reports it. */
  status: number;
  /** Reported as the model when the server names none. */
  requestedModel: string;
}

const DONE = "[DONE]";

/**
 * OpenAI's `chat.completion.chunk` events → normalized stream events: `start` before the first choice,
 * `text-delta` per content piece, `tool-call-delta` per function-call piece, and one `finish` once the stream
 * has ended, with the remembered `finish_reason` and the usage chunk's counts (zeros from servers that send
 * none).
 *
 * A stream must end with `finish_reason` or `[DONE]`; one that stops without either was cut off, and is an
 * `invalid_response` rather than a short answer passed off as complete. One that ends after `finish_reason`
 * but without `[DONE]` is accepted: the answer is whole, only the usage chunk may be missing. An
 * `{"error": ...}` event is mapped as a provider error. After `[DONE]` the rest is read and ignored, so the
 * connection goes back to the pool instead of being destroyed.
 */
export async function* mapOpenAiStream(
  events: AsyncIterable<ServerSentEvent>,
  context: OpenAiStreamContext,
): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const invalid = (reason: string, dataText?: string) =>
    new ProviderError({
      kind: "invalid_response",
      message: `${context.status} stream ${reason}`,
      httpStatus: context.status,
      provider: context.provider,
      deploymentId: context.deploymentId,
      bodyExcerpt: dataText === undefined ? undefined : bodyExcerpt(dataText),
    });

  let started = false;
  let model: string | undefined;
  let providerResponseId: string | undefined;
  let finishReason: string | undefined;
  let usage: OpenAiUsageBody | undefined;
  let sawDone = false;
  let sawContent = false;
  let refused = false;

  for await (const event of events) {
    if (sawDone) continue;
    if (event.event === "error") throw mapOpenAiStreamError(event.data, context);
    // OpenAI sends only unnamed events; other names (a proxy's `ping`) carry nothing of the answer.
    if (event.event !== "message") continue;
    if (event.data.trim() === DONE) {
      sawDone = true;
      continue;
    }

    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw invalid("sent an event that is not JSON", event.data);
    }
    if (isErrorEvent(json)) throw mapOpenAiStreamError(event.data, context);
    const parsed = openAiStreamChunkSchema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join(".") || "body";
      throw invalid(`sent an event that is not a chat completion chunk (${where})`, event.data);
    }

    const chunk = parsed.data;
    // Azure's first chunk has an empty model and id; the first non-empty one wins.
    model ||= chunk.model || undefined;
    providerResponseId ||= chunk.id || undefined;
    // Servers that report usage on every chunk (vLLM's continuous usage) end with the totals: the last wins.
    if (chunk.usage) usage = chunk.usage;
    // n > 1 is never requested, so the choice with index 0 (or without one) is the answer.
    const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
    if (choice === undefined) continue;

    if (!started) {
      started = true;
      yield { type: "start", model: model ?? context.requestedModel, ...(providerResponseId ? { providerResponseId } : {}) };
    }
    const delta = choice.delta;
    if (delta?.content) {
      sawContent = true;
      yield { type: "text-delta", text: delta.content };
    }
    if (delta?.refusal) refused = true;
    for (const [position, toolCall] of (delta?.tool_calls ?? []).entries()) {
      yield {
        type: "tool-call-delta",
        index: toolCall.index ?? position,
        ...(toolCall.id ? { id: toolCall.id } : {}),
        ...(toolCall.function?.name ? { name: toolCall.function.name } : {}),
        argumentsDelta: toolCall.function?.arguments ?? "",
      };
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  if (!sawDone && finishReason === undefined) throw invalid("ended before its finish_reason or [DONE]: the answer is cut off");
  if (!started) throw invalid("ended without a single choice");
  yield {
    type: "finish",
    // As in `chat`: a refusal with no content is a content decision, reported as filtered.
    finishReason: refused && !sawContent ? "content_filter" : mapOpenAiFinishReason(finishReason),
    usage: mapOpenAiUsage(usage),
  };
}

function isErrorEvent(json: unknown): boolean {
  if (typeof json !== "object" || json === null || !("error" in json) || json.error == null) return false;
  return openAiErrorBodySchema.safeParse(json).success;
}
