import { createOpenAiStreamChunkConverter } from "@switchyard/providers";
import { sseFrame } from "./sse-frame.js";
import type { StreamPresenter, StreamPresenterOptions } from "./stream-presenter.js";

/**
 * OpenAI's chat completion stream: `data: <chat.completion.chunk>` lines (the role chunk, content or tool-call
 * chunks, the finish chunk, and the usage chunk when `stream_options.include_usage` asked for it), then
 * `data: [DONE]`. An error after the first chunk is `data: {"error": {...}}` with the body a plain error answer
 * has, which the official SDK raises as an `APIError` from the iterator; no `[DONE]` follows it.
 */
export function openAiStreamPresenter(options: StreamPresenterOptions): StreamPresenter {
  const convert = createOpenAiStreamChunkConverter({ includeUsage: options.includeUsage, id: `chatcmpl-${options.requestId}`, nowMs: options.nowMs });
  return {
    event: (event) => convert(event).map((chunk) => sseFrame(JSON.stringify(chunk))).join(""),
    end: () => sseFrame("[DONE]"),
    error: (error) => sseFrame(JSON.stringify(error.toBody())),
  };
}
