import { jsonPieces, textPieces } from "../generation/text-pieces.js";
import type { Exchange, StreamAnswer, StreamEvent } from "../generation/wire-format.js";
import { anthropicId } from "./anthropic-ids.js";
import { anthropicStopReason, anthropicUsage, firstReply } from "./anthropic-message-body.js";
import type { AnthropicRequest } from "./anthropic-wire-schema.js";

const WORDS_PER_TEXT_DELTA = 3;
const ARGUMENT_PIECE_CHARS = 16;

/**
 * Anthropic's Messages stream: `message_start` (empty content, output_tokens 1), `content_block_start`,
 * `ping`, `content_block_delta`s (`text_delta` or `input_json_delta`), `content_block_stop`, `message_delta`
 * (stop_reason and the final output_tokens), `message_stop`. A refusal has no content block.
 */
export function anthropicStream(exchange: Exchange<AnthropicRequest>): StreamAnswer {
  const { turn } = exchange;
  const reply = firstReply(exchange.replies);
  const events: StreamEvent[] = [];
  const emit = (type: string, payload: object) => events.push({ event: type, data: JSON.stringify({ type, ...payload }) });

  emit("message_start", {
    message: {
      id: anthropicId("msg"),
      type: "message",
      role: "assistant",
      model: turn.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(turn.promptTokens, 1),
    },
  });
  if (reply.kind === "text") {
    emit("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    emit("ping", {});
    for (const text of textPieces(reply.text, WORDS_PER_TEXT_DELTA)) {
      emit("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
    }
    emit("content_block_stop", { index: 0 });
  } else if (reply.kind === "tool_call") {
    emit("content_block_start", {
      index: 0,
      content_block: { type: "tool_use", id: anthropicId("toolu"), name: reply.name, input: {} },
    });
    emit("ping", {});
    for (const partial_json of ["", ...jsonPieces(reply.argumentsJson, ARGUMENT_PIECE_CHARS)]) {
      emit("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json } });
    }
    emit("content_block_stop", { index: 0 });
  } else {
    emit("ping", {});
  }
  emit("message_delta", {
    delta: { stop_reason: anthropicStopReason(reply), stop_sequence: reply.kind === "text" ? reply.stopSequence : null },
    usage: { output_tokens: reply.outputTokens },
  });
  emit("message_stop", {});
  return { contentType: "text/event-stream; charset=utf-8", events };
}

export function serializeAnthropicStream(events: readonly StreamEvent[]): string[] {
  return events.map((event) => `event: ${event.event ?? "message"}\ndata: ${event.data}\n\n`);
}
