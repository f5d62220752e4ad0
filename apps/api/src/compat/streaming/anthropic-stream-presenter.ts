import type { ChatStreamEvent, TokenUsage } from "@switchyard/contracts";
import { convertToAnthropicStopReason } from "@switchyard/providers";
import { sseFrame } from "./sse-frame.js";
import type { StreamPresenter, StreamPresenterOptions } from "./stream-presenter.js";

type OpenBlock = { kind: "text"; index: number } | { kind: "tool_use"; index: number; toolIndex: number };

/**
 * Anthropic's Messages stream: `message_start`, then per content block `content_block_start`, its
 * `content_block_delta`s (`text_delta`, or `input_json_delta` for a tool call's input) and `content_block_stop`,
 * then `message_delta` (stop reason and usage) and `message_stop`, each with its `event:` line. An error after the
 * stream began is Anthropic's `event: error` with `{type: "error", error: {type, message}}`.
 *
 * The normalized events do not know the input tokens until `finish`, so `message_start` says 0 and
 * `message_delta` carries the real figures (the SDK takes the input figures from there when present).
 */
export function anthropicStreamPresenter(options: StreamPresenterOptions): StreamPresenter {
  const messageId = `msg_${options.requestId}`;
  let started = false;
  let open: OpenBlock | undefined;
  let nextIndex = 0;

  const emit = (type: string, payload: object) => sseFrame(JSON.stringify({ type, ...payload }), type);
  const start = (model: string) => {
    if (started) return "";
    started = true;
    return emit("message_start", {
      message: {
        id: messageId,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
  };
  const close = () => {
    if (!open) return "";
    const frame = emit("content_block_stop", { index: open.index });
    open = undefined;
    return frame;
  };
  const openBlock = (block: OpenBlock, contentBlock: object) => {
    const frames = close();
    open = block;
    nextIndex++;
    return frames + emit("content_block_start", { index: block.index, content_block: contentBlock });
  };

  const frames = (event: ChatStreamEvent): string => {
    switch (event.type) {
      case "start":
        return start(event.model);
      case "text-delta": {
        if (event.text === "") return "";
        const opening = open?.kind === "text" ? "" : openBlock({ kind: "text", index: nextIndex }, { type: "text", text: "" });
        return opening + emit("content_block_delta", { index: open!.index, delta: { type: "text_delta", text: event.text } });
      }
      case "tool-call-delta": {
        const continues = open?.kind === "tool_use" && open.toolIndex === event.index;
        const opening = continues
          ? ""
          : openBlock(
              { kind: "tool_use", index: nextIndex, toolIndex: event.index },
              { type: "tool_use", id: event.id ?? `toolu_${options.requestId}_${event.index}`, name: event.name ?? "unknown", input: {} },
            );
        if (event.argumentsDelta === "") return opening;
        return opening + emit("content_block_delta", { index: open!.index, delta: { type: "input_json_delta", partial_json: event.argumentsDelta } });
      }
      case "finish":
        return (
          close() +
          emit("message_delta", { delta: { stop_reason: convertToAnthropicStopReason(event.finishReason), stop_sequence: null }, usage: anthropicUsage(event.usage) }) +
          emit("message_stop", {})
        );
    }
  };

  return {
    // A stream always opens with `message_start`, even if its first event is not `start`.
    event: (event) => (event.type === "start" ? "" : start("unknown")) + frames(event),
    end: () => "",
    error: (error) => sseFrame(JSON.stringify(error.toAnthropicBody()), "error"),
  };
}

/** Cached input is reported as read from the cache, the rest as `input_tokens`, as in a whole answer. */
function anthropicUsage(usage: TokenUsage) {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}
