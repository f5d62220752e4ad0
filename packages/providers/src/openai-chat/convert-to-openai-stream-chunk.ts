import type { ChatStreamEvent } from "@switchyard/contracts";
import { convertToOpenAiFinishReason, type OpenAiFinishReason } from "./convert-to-openai-finish-reason.js";
import { convertToOpenAiUsage, type OpenAiCompletionUsage } from "./convert-to-openai-usage.js";
import { generateOpenAiCompletionId } from "./generate-openai-completion-id.js";

/** OpenAI's `chat.completion.chunk`, one `data:` line of a streamed answer to an OpenAI-format client. */
export interface OpenAiChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  /** Unix seconds, the same on every chunk of a stream. */
  created: number;
  model: string;
  /** One choice, or none on the usage chunk. */
  choices: OpenAiChatCompletionChunkChoice[];
  /** Only on the usage chunk, the last one. */
  usage?: OpenAiCompletionUsage;
}

export interface OpenAiChatCompletionChunkChoice {
  index: 0;
  delta: OpenAiChatCompletionChunkDelta;
  logprobs: null;
  finish_reason: OpenAiFinishReason | null;
}

export interface OpenAiChatCompletionChunkDelta {
  role?: "assistant";
  content?: string;
  tool_calls?: OpenAiToolCallDelta[];
}

/** A piece of a function call: `id`, `type` and `name` come on the call's first piece, `arguments` grow after. */
export interface OpenAiToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface OpenAiStreamChunkConverterOptions {
  /**
   * Send the usage chunk (empty `choices`) after the finish chunk. OpenAI sends it only when the client asked
   * with `stream_options.include_usage`, and clients that did not ask may read `choices[0]` of every chunk.
   */
  includeUsage: boolean;
  /** The stream's id. Default: the provider's response id from `start`, else a generated `chatcmpl-…`. */
  id?: string;
  /** The clock for `created`. Default: now. */
  nowMs?: number;
}

/** Turns one normalized event into the chunks OpenAI would send for it, in order (often one, sometimes none). */
export type OpenAiStreamChunkConverter = (event: ChatStreamEvent) => OpenAiChatCompletionChunk[];

/**
 * A converter for one stream of normalized events → OpenAI `chat.completion.chunk`s, for relaying a stream as
 * server-sent events: `start` → the role chunk; `text-delta` → a content chunk; `tool-call-delta` → a
 * `tool_calls` chunk; `finish` → the finish-reason chunk, then the usage chunk when asked for. The relay
 * writes each chunk as `data: <json>\n\n` and ends with `data: [DONE]\n\n`.
 *
 * Stateful, because every chunk repeats the stream's id, creation time and model, which only `start` tells;
 * a push-style converter also fits relays that receive events one at a time (from Redis, say).
 */
export function createOpenAiStreamChunkConverter(options: OpenAiStreamChunkConverterOptions): OpenAiStreamChunkConverter {
  let identity: { id: string; created: number; model: string } | undefined;

  const chunk = (choices: OpenAiChatCompletionChunkChoice[], usage?: OpenAiCompletionUsage): OpenAiChatCompletionChunk => ({
    // `identity` is set before any chunk is made; see `begin`.
    ...identity!,
    object: "chat.completion.chunk",
    choices,
    ...(usage === undefined ? {} : { usage }),
  });
  const choice = (delta: OpenAiChatCompletionChunkDelta, finishReason: OpenAiFinishReason | null = null) => ({
    index: 0 as const,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  // Adapters always begin with `start`; a stream that does not still gets the role chunk OpenAI clients expect.
  const begin = (model: string, providerResponseId?: string): OpenAiChatCompletionChunk[] => {
    identity = {
      id: options.id ?? providerResponseId ?? generateOpenAiCompletionId(),
      created: Math.floor((options.nowMs ?? Date.now()) / 1000),
      model,
    };
    return [chunk([choice({ role: "assistant", content: "" })])];
  };

  return (event) => {
    if (event.type === "start") return identity === undefined ? begin(event.model, event.providerResponseId) : [];
    const opening = identity === undefined ? begin("unknown") : [];
    switch (event.type) {
      case "text-delta":
        return event.text === "" ? opening : [...opening, chunk([choice({ content: event.text })])];
      case "tool-call-delta":
        return [...opening, chunk([choice({ tool_calls: [convertToolCallDelta(event)] })])];
      case "finish": {
        const finishChunk = chunk([choice({}, convertToOpenAiFinishReason(event.finishReason))]);
        const usageChunk = options.includeUsage ? [chunk([], convertToOpenAiUsage(event.usage))] : [];
        return [...opening, finishChunk, ...usageChunk];
      }
    }
  };
}

function convertToolCallDelta(event: Extract<ChatStreamEvent, { type: "tool-call-delta" }>): OpenAiToolCallDelta {
  const opensCall = event.id !== undefined || event.name !== undefined;
  return {
    index: event.index,
    ...(event.id === undefined ? {} : { id: event.id }),
    ...(opensCall ? { type: "function" as const } : {}),
    function: { ...(event.name === undefined ? {} : { name: event.name }), arguments: event.argumentsDelta },
  };
}
