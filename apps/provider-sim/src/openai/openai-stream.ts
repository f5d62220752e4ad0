import { jsonPieces, textPieces } from "../generation/text-pieces.js";
import type { SimReply } from "../generation/sim-turn.js";
import type { Exchange, StreamAnswer, StreamEvent } from "../generation/wire-format.js";
import { completionId, openAiFinishReason, openAiUsage, systemFingerprint, toolCallId } from "./openai-completion-body.js";
import type { ChatCompletionRequest } from "./openai-wire-schema.js";

const ARGUMENT_PIECE_CHARS = 12;

/**
 * `chat.completion.chunk` events as OpenAI streams them: per choice a role delta, content (or tool-call
 * argument) deltas about a token each, a final delta carrying `finish_reason`; then, with
 * `stream_options.include_usage`, a usage chunk with empty `choices` (every earlier chunk has `usage: null`);
 * then `[DONE]`.
 */
export function openAiStream(exchange: Exchange<ChatCompletionRequest>): StreamAnswer {
  const { turn, replies, wire } = exchange;
  const includeUsage = wire.stream_options?.include_usage === true;
  const base = {
    id: completionId(),
    object: "chat.completion.chunk",
    created: Math.floor(exchange.nowMs / 1000),
    model: turn.model,
    service_tier: "default",
    system_fingerprint: systemFingerprint(turn.model),
  };
  const events: StreamEvent[] = [];
  const chunk = (index: number, delta: object, finishReason: string | null = null) => {
    const choices = [{ index, delta, logprobs: null, finish_reason: finishReason }];
    events.push({ data: JSON.stringify(includeUsage ? { ...base, choices, usage: null } : { ...base, choices }) });
  };

  let completionTokens = 0;
  replies.forEach((reply, index) => {
    completionTokens += reply.outputTokens;
    emitChoice(reply, index, chunk);
  });
  if (includeUsage) events.push({ data: JSON.stringify({ ...base, choices: [], usage: openAiUsage(turn.promptTokens, completionTokens) }) });
  events.push({ data: "[DONE]" });
  return { contentType: "text/event-stream; charset=utf-8", events };
}

function emitChoice(reply: SimReply, index: number, chunk: (index: number, delta: object, finishReason?: string | null) => void) {
  if (reply.kind === "tool_call") {
    const call = { index: 0, id: toolCallId(), type: "function", function: { name: reply.name, arguments: "" } };
    chunk(index, { role: "assistant", content: null, tool_calls: [call], refusal: null });
    for (const piece of jsonPieces(reply.argumentsJson, ARGUMENT_PIECE_CHARS)) {
      chunk(index, { tool_calls: [{ index: 0, function: { arguments: piece } }] });
    }
  } else {
    chunk(index, { role: "assistant", content: "", refusal: null });
    if (reply.kind === "text") for (const piece of textPieces(reply.text, 1)) chunk(index, { content: piece });
  }
  chunk(index, {}, openAiFinishReason(reply));
}

export function serializeOpenAiStream(events: readonly StreamEvent[]): string[] {
  return events.map((event) => `data: ${event.data}\n\n`);
}
