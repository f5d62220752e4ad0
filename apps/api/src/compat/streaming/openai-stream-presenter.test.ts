import { describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@switchyard/contracts";
import { ApiError } from "../../http/api-error.js";
import { openAiStreamPresenter } from "./openai-stream-presenter.js";

const NOW = Date.UTC(2025, 0, 1);
const usage = { inputTokens: 10, outputTokens: 3, cachedInputTokens: 2 };
const answer: ChatStreamEvent[] = [
  { type: "start", model: "gpt-4.1", providerResponseId: "chatcmpl-provider" },
  { type: "text-delta", text: "Hi" },
  { type: "finish", finishReason: "stop", usage },
];

/** The `data:` payloads of a run of frames, parsed (or the raw text for `[DONE]`). */
function payloads(frames: string): unknown[] {
  return frames
    .split("\n\n")
    .filter(Boolean)
    .map((frame) => {
      expect(frame.startsWith("data: ")).toBe(true);
      const data = frame.slice("data: ".length);
      return data === "[DONE]" ? data : JSON.parse(data);
    });
}

describe("openAiStreamPresenter", () => {
  it("writes chat.completion.chunk events with the request's id, then [DONE]", () => {
    const presenter = openAiStreamPresenter({ requestId: "req_1", includeUsage: false, nowMs: NOW });
    const chunks = payloads(answer.map((event) => presenter.event(event)).join("") + presenter.end());
    expect(chunks).toEqual([
      { id: "chatcmpl-req_1", object: "chat.completion.chunk", created: NOW / 1000, model: "gpt-4.1", choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] },
      { id: "chatcmpl-req_1", object: "chat.completion.chunk", created: NOW / 1000, model: "gpt-4.1", choices: [{ index: 0, delta: { content: "Hi" }, logprobs: null, finish_reason: null }] },
      { id: "chatcmpl-req_1", object: "chat.completion.chunk", created: NOW / 1000, model: "gpt-4.1", choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] },
      "[DONE]",
    ]);
  });

  it("adds the usage chunk when include_usage asked for it", () => {
    const presenter = openAiStreamPresenter({ requestId: "req_1", includeUsage: true, nowMs: NOW });
    const chunks = payloads(answer.map((event) => presenter.event(event)).join(""));
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } });
  });

  it("writes an error after the stream began as the error body a plain answer has, with no [DONE]", () => {
    const presenter = openAiStreamPresenter({ requestId: "req_1", includeUsage: false, nowMs: NOW });
    const frames = presenter.error(new ApiError(502, "api_error", "socket closed", "network"));
    expect(payloads(frames)).toEqual([{ error: { message: "socket closed", type: "api_error", code: "network", param: null } }]);
  });
});
