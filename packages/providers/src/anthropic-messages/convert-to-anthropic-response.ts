import type { ChatResult, ToolCall } from "@switchyard/contracts";
import { convertToAnthropicStopReason, type AnthropicStopReason } from "./convert-to-anthropic-stop-reason.js";
import { generateAnthropicMessageId } from "./generate-anthropic-message-id.js";

/** Anthropic's `message` body, as Switchyard answers Anthropic-format clients. */
export interface AnthropicMessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicResponseUsage;
}

export type AnthropicResponseBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicResponseUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface ConvertToAnthropicResponseOptions {
  /** The message's id. Default: the provider's response id, else a generated `msg_…`. */
  id?: string;
}

/**
 * A `ChatResult` → Anthropic's `message` body, the inverse of `mapAnthropicResponse` (which reads it back to
 * the same result, except `error`/`other` finish reasons, which become `stop`). Usage is split back into
 * Anthropic's parts: cached input is reported as read from the cache, the rest as `input_tokens`; tokens
 * written to the cache are not known apart any more and are counted in `input_tokens`. `rateLimit` describes
 * Switchyard's provider, not the client's budget, and stays out.
 *
 * Throws when a tool call's arguments are not a JSON object: a `tool_use` block's input must be one, and
 * inventing one would hand the client a call the model never made.
 */
export function convertToAnthropicResponse(result: ChatResult, options: ConvertToAnthropicResponseOptions = {}): AnthropicMessageResponse {
  const content: AnthropicResponseBlock[] = [];
  if (result.message.content !== null) content.push({ type: "text", text: result.message.content });
  for (const toolCall of result.message.tool_calls ?? []) content.push(toolUseBlock(toolCall));
  return {
    id: options.id ?? result.providerResponseId ?? generateAnthropicMessageId(),
    type: "message",
    role: "assistant",
    model: result.model,
    content,
    stop_reason: convertToAnthropicStopReason(result.finishReason),
    stop_sequence: null,
    usage: {
      input_tokens: Math.max(0, result.usage.inputTokens - result.usage.cachedInputTokens),
      output_tokens: result.usage.outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: result.usage.cachedInputTokens,
    },
  };
}

function toolUseBlock(toolCall: ToolCall): AnthropicResponseBlock {
  const { name, arguments: argumentsText } = toolCall.function;
  let input: unknown = {};
  if (argumentsText.trim() !== "") {
    try {
      input = JSON.parse(argumentsText);
    } catch {
      input = undefined;
    }
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new Error(`tool call ${toolCall.id} (${name}) has arguments that are not a JSON object, so it has no Anthropic tool_use form`);
  }
  return { type: "tool_use", id: toolCall.id, name, input: input as Record<string, unknown> };
}
