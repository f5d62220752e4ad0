import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import type { ServerSentEvent } from "../sse/parse-sse.js";
import {
  anthropicContentBlockDeltaSchema,
  anthropicContentBlockStartSchema,
  anthropicContentBlockStopSchema,
  anthropicMessageDeltaSchema,
  anthropicMessageStartSchema,
} from "./anthropic-stream-event-schema.js";
import type { AnthropicUsageBody } from "./anthropic-response-schema.js";
import { mapAnthropicStreamError } from "./map-anthropic-error.js";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";
import { mapAnthropicUsage } from "./map-anthropic-usage.js";
import { bodyExcerpt } from "../body-excerpt.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

export interface AnthropicStreamContext extends ProviderErrorContext {
  /** Reported as the model when `message_start` names none. */
  requestedModel: string;
  /** The stream's response headers, for the rate-limit budget an error reports. */
  headers?: IncomingHttpHeaders;
  nowMs?: number;
}

/** A `tool_use` block being streamed: its place among the message's tool calls, and whether it sent input. */
interface ToolUseBlockState {
  toolIndex: number;
  sentArguments: boolean;
}

/**
 * Anthropic's message stream → normalized events: `message_start` → `start`; `text_delta` → `text-delta`; a
 * `tool_use` block's start and its `input_json_delta`s → `tool-call-delta`s, indexed among the tool_use blocks
 * only (text blocks do not count); `message_stop` → one `finish`, with the stop reason and the cumulative usage
 * of `message_delta`. An `error` event throws its `ProviderError`; a stream that ends before `message_stop`
 * (or that breaks the event order) throws `invalid_response`, never passing for a complete answer.
 *
 * After `message_stop` the rest of the body is read and ignored, so the connection can go back to the pool, and
 * a connection lost at that point no longer matters: the answer is complete.
 */
export async function* mapAnthropicStream(
  events: AsyncIterable<ServerSentEvent>,
  context: AnthropicStreamContext,
): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const invalid = (reason: string, dataText?: string) =>
    new ProviderError({
      kind: "invalid_response",
      message: `stream ${reason}`,
      provider: context.provider,
      deploymentId: context.deploymentId,
      ...(dataText === undefined ? {} : { bodyExcerpt: bodyExcerpt(dataText) }),
    });
  const read = <Schema extends z.ZodType>(schema: Schema, json: unknown, dataText: string): z.infer<Schema> => {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalid(`sent a malformed event (${parsed.error.issues[0]?.path.join(".") || "event"})`, dataText);
    return parsed.data;
  };

  let started = false;
  let finished = false;
  let stopReason: string | null | undefined;
  const usage: AnthropicUsageBody = {};
  const toolUseBlocks = new Map<number, ToolUseBlockState>();

  try {
    for await (const event of events) {
      if (finished) continue;
      const json = parseJson(event.data);
      const type = typeof json === "object" && json !== null && "type" in json ? json.type : undefined;
      if (typeof type !== "string") throw invalid("sent an event that is not a JSON object with a type", event.data);
      if (type === "error") throw mapAnthropicStreamError(event.data, context);
      if (type === "ping") continue;
      if (!started && type !== "message_start" && isMessageEvent(type)) throw invalid(`sent ${type} before message_start`, event.data);

      switch (type) {
        case "message_start": {
          const { message } = read(anthropicMessageStartSchema, json, event.data);
          started = true;
          Object.assign(usage, withoutNulls(message.usage));
          const model = message.model ?? context.requestedModel;
          yield { type: "start", model, ...(message.id ? { providerResponseId: message.id } : {}) };
          break;
        }
        case "content_block_start": {
          const { index, content_block: block } = read(anthropicContentBlockStartSchema, json, event.data);
          if (block.type !== "tool_use" || !("id" in block)) break;
          const state = { toolIndex: toolUseBlocks.size, sentArguments: false };
          toolUseBlocks.set(index, state);
          yield { type: "tool-call-delta", index: state.toolIndex, id: block.id, name: block.name, argumentsDelta: "" };
          break;
        }
        case "content_block_delta": {
          const { index, delta } = read(anthropicContentBlockDeltaSchema, json, event.data);
          if (delta.type === "text_delta" && "text" in delta) {
            if (delta.text !== "") yield { type: "text-delta", text: delta.text };
          } else if (delta.type === "input_json_delta" && "partial_json" in delta) {
            const state = toolUseBlocks.get(index);
            if (state === undefined) throw invalid(`sent input_json_delta for block ${index}, which is not a tool_use block`, event.data);
            if (delta.partial_json === "") break;
            state.sentArguments = true;
            yield { type: "tool-call-delta", index: state.toolIndex, argumentsDelta: delta.partial_json };
          }
          break;
        }
        case "content_block_stop": {
          const { index } = read(anthropicContentBlockStopSchema, json, event.data);
          const state = toolUseBlocks.get(index);
          // A call without parameters streams no input at all; its arguments are "{}", as in a non-streamed answer.
          if (state !== undefined && !state.sentArguments) {
            state.sentArguments = true;
            yield { type: "tool-call-delta", index: state.toolIndex, argumentsDelta: "{}" };
          }
          break;
        }
        case "message_delta": {
          const delta = read(anthropicMessageDeltaSchema, json, event.data);
          if (delta.delta.stop_reason !== undefined) stopReason = delta.delta.stop_reason;
          Object.assign(usage, withoutNulls(delta.usage));
          break;
        }
        case "message_stop":
          finished = true;
          yield { type: "finish", finishReason: mapAnthropicStopReason(stopReason), usage: mapAnthropicUsage(usage) };
          break;
      }
    }
  } catch (error) {
    if (finished) return;
    throw error;
  }
  if (!finished) throw invalid(started ? "ended before message_stop" : "ended before message_start");
}

const MESSAGE_EVENT_TYPES = new Set(["content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);

function isMessageEvent(type: string): boolean {
  return MESSAGE_EVENT_TYPES.has(type);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutNulls(usage: AnthropicUsageBody | null | undefined): AnthropicUsageBody {
  if (!usage) return {};
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== null && value !== undefined));
}
