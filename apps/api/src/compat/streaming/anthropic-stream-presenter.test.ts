import { describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@switchyard/contracts";
import { ApiError } from "../../http/api-error.js";
import { anthropicStreamPresenter } from "./anthropic-stream-presenter.js";

const usage = { inputTokens: 12, outputTokens: 5, cachedInputTokens: 2 };

/** Each frame's `event:` name and parsed data; the name must match the data's `type`. */
function events(frames: string): { type: string; [key: string]: unknown }[] {
  return frames
    .split("\n\n")
    .filter(Boolean)
    .map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      const data = JSON.parse(dataLine!.slice("data: ".length)) as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

function present(stream: ChatStreamEvent[]) {
  const presenter = anthropicStreamPresenter({ requestId: "req_1", includeUsage: false, nowMs: 0 });
  return events(stream.map((event) => presenter.event(event)).join("") + presenter.end());
}

describe("anthropicStreamPresenter", () => {
  it("writes a text answer as message_start, one text block, message_delta and message_stop", () => {
    expect(
      present([
        { type: "start", model: "claude-haiku-4-5" },
        { type: "text-delta", text: "Hel" },
        { type: "text-delta", text: "lo" },
        { type: "finish", finishReason: "length", usage },
      ]),
    ).toEqual([
      {
        type: "message_start",
        message: {
          id: "msg_req_1",
          type: "message",
          role: "assistant",
          model: "claude-haiku-4-5",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
      { type: "content_block_stop", index: 0 },
      {
        type: "message_delta",
        delta: { stop_reason: "max_tokens", stop_sequence: null },
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 2 },
      },
      { type: "message_stop" },
    ]);
  });

  it("gives text and each tool call a block of its own, tool input as input_json_delta", () => {
    const types = present([
      { type: "start", model: "m" },
      { type: "text-delta", text: "Let me look." },
      { type: "tool-call-delta", index: 0, id: "call_1", name: "lookup", argumentsDelta: '{"q":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"x"}' },
      { type: "tool-call-delta", index: 1, id: "call_2", name: "other", argumentsDelta: "" },
      { type: "finish", finishReason: "tool_calls", usage },
    ]);
    expect(types.filter((event) => event.type.startsWith("content_block"))).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Let me look." } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "call_1", name: "lookup", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"q":' } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"x"}' } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "call_2", name: "other", input: {} } },
      { type: "content_block_stop", index: 2 },
    ]);
    expect(types.find((event) => event.type === "message_delta")).toMatchObject({ delta: { stop_reason: "tool_use" } });
  });

  it("opens the message even when the first event is not start", () => {
    expect(present([{ type: "text-delta", text: "x" }, { type: "finish", finishReason: "stop", usage }])[0]).toMatchObject({
      type: "message_start",
      message: { model: "unknown" },
    });
  });

  it("writes an error as Anthropic's error event", () => {
    const presenter = anthropicStreamPresenter({ requestId: "req_1", includeUsage: false, nowMs: 0 });
    expect(events(presenter.error(new ApiError(503, "api_error", "overloaded", "overloaded")))).toEqual([
      { type: "error", error: { type: "overloaded_error", message: "overloaded" } },
    ]);
  });
});
