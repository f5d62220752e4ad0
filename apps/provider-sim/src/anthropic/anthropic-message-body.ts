import type { SimReply } from "../generation/sim-turn.js";
import type { Exchange } from "../generation/wire-format.js";
import { anthropicId } from "./anthropic-ids.js";
import type { AnthropicRequest } from "./anthropic-wire-schema.js";

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

/** A `message` object as Anthropic sends it. The simulator answers one choice: Anthropic has no `n`. */
export function anthropicMessageBody(exchange: Exchange<AnthropicRequest>) {
  const { turn } = exchange;
  const reply = firstReply(exchange.replies);
  return {
    id: anthropicId("msg"),
    type: "message",
    role: "assistant",
    model: turn.model,
    content: contentOf(reply),
    stop_reason: anthropicStopReason(reply),
    stop_sequence: reply.kind === "text" ? reply.stopSequence : null,
    usage: anthropicUsage(turn.promptTokens, reply.outputTokens),
  };
}

function contentOf(reply: SimReply) {
  switch (reply.kind) {
    case "text":
      return [{ type: "text", text: reply.text }];
    case "tool_call":
      return [{ type: "tool_use", id: anthropicId("toolu"), name: reply.name, input: reply.input }];
    case "filtered":
      return [];
  }
}

export function anthropicStopReason(reply: SimReply): AnthropicStopReason {
  switch (reply.kind) {
    case "text":
      return reply.finish === "length" ? "max_tokens" : reply.finish === "stop_sequence" ? "stop_sequence" : "end_turn";
    case "tool_call":
      return "tool_use";
    case "filtered":
      return "refusal";
  }
}

export function anthropicUsage(inputTokens: number, outputTokens: number) {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

export function firstReply(replies: readonly SimReply[]): SimReply {
  return replies[0] ?? { kind: "filtered", outputTokens: 0 };
}
