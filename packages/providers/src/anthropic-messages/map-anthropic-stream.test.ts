import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import { mapAnthropicStream } from "./map-anthropic-stream.js";
import { parseSse, type ServerSentEvent } from "../sse/parse-sse.js";

const context = { provider: "anthropic", deploymentId: "claude", requestedModel: "claude-sonnet-4-5" };
const recordedStream = readFileSync(new URL("./__fixtures__/message-stream-tool-use.txt", import.meta.url), "utf8");

async function* fromText(text: string): AsyncGenerator<string> {
  yield text;
}

async function collect(events: AsyncIterable<ServerSentEvent>): Promise<{ events: ChatStreamEvent[]; error?: ProviderError }> {
  const collected: ChatStreamEvent[] = [];
  try {
    for await (const event of mapAnthropicStream(events, context)) collected.push(event);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { events: collected, error };
  }
  return { events: collected };
}

const mapText = (text: string) => collect(parseSse(fromText(text)));

/** Server-sent events of the given JSON payloads, each named by its type, as Anthropic sends them. */
function sse(...payloads: object[]): string {
  return payloads.map((payload) => `event: ${(payload as { type: string }).type}\ndata: ${JSON.stringify(payload)}\n\n`).join("");
}

const messageStart = { type: "message_start", message: { id: "msg_1", model: "claude-haiku-4-5", usage: { input_tokens: 10, output_tokens: 1 } } };
const messageStop = { type: "message_stop" };

/** The recorded stream up to (not including) its `message_delta` event. */
const beforeMessageDelta = recordedStream.slice(0, recordedStream.indexOf("event: message_delta"));

describe("mapAnthropicStream", () => {
  it("maps the recorded text + tool_use stream, indexing tool calls among tool_use blocks only", async () => {
    expect(await mapText(recordedStream)).toEqual({
      events: [
        { type: "start", model: "claude-sonnet-4-20250514", providerResponseId: "msg_019Q1hrJbZG26Fb9BQhrkHEr" },
        { type: "text-delta", text: "I" },
        { type: "text-delta", text: "'ll check the current weather in Paris for you." },
        { type: "tool-call-delta", index: 0, id: "toolu_01NRLabsLyVHZPKxbKvkfSMn", name: "get_weather", argumentsDelta: "" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"locati' },
        { type: "tool-call-delta", index: 0, argumentsDelta: 'on": "P' },
        { type: "tool-call-delta", index: 0, argumentsDelta: "ar" },
        { type: "tool-call-delta", index: 0, argumentsDelta: 'is"}' },
        { type: "finish", finishReason: "tool_calls", usage: { inputTokens: 377, outputTokens: 65, cachedInputTokens: 0 } },
      ],
    });
  });

  it("gives a tool call that streams no input the arguments {}, and counts cached input", async () => {
    const { events } = await mapText(
      sse(
        { type: "message_start", message: { id: "msg_2", model: "m", usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 } } },
        { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_a", name: "now", input: {} } },
        { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_b", name: "today", input: {} } },
        { type: "content_block_stop", index: 1 },
        { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 12 } },
        messageStop,
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: "tool-call-delta", index: 0, id: "toolu_a", name: "now", argumentsDelta: "" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "{}" },
      { type: "tool-call-delta", index: 1, id: "toolu_b", name: "today", argumentsDelta: "" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "finish", finishReason: "tool_calls", usage: { inputTokens: 125, outputTokens: 12, cachedInputTokens: 100 } },
    ]);
  });

  it("skips blocks and deltas it did not ask for, and event types added later", async () => {
    const { events } = await mapText(
      sse(
        messageStart,
        { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } },
        { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } },
        { type: "content_block_stop", index: 0 },
        { type: "brand_new_event", whatever: true },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } },
        messageStop,
      ),
    );
    expect(events).toEqual([
      { type: "start", model: "claude-haiku-4-5", providerResponseId: "msg_1" },
      { type: "finish", finishReason: "stop", usage: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 0 } },
    ]);
  });

  it("throws an error event's ProviderError after the events before it", async () => {
    const { events, error } = await mapText(
      `${beforeMessageDelta}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`,
    );
    expect(events).toHaveLength(8);
    expect(error?.data).toMatchObject({ kind: "overloaded", retryable: true, provider: "anthropic", deploymentId: "claude" });
  });

  it.each([
    ["before message_stop", beforeMessageDelta, /ended before message_stop/],
    ["before anything", "", /ended before message_start/],
    ["in the middle of the last event", recordedStream.slice(0, -3), /ended before message_stop/],
  ])("reports a stream that ends %s as invalid_response", async (_name, text, message) => {
    const { error } = await mapText(text);
    expect(error?.data).toMatchObject({ kind: "invalid_response", retryable: true });
    expect(error?.message).toMatch(message);
  });

  it.each([
    ["data that is not JSON", "data: nope\n\n", /not a JSON object with a type/],
    ["content before message_start", sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }), /before message_start/],
    [
      "a tool_use block without an id",
      sse(messageStart, { type: "content_block_start", index: 0, content_block: { type: "tool_use", name: "f", input: {} } }),
      /malformed event \(content_block/,
    ],
    [
      "input for a block that is not a tool_use",
      sse(messageStart, { type: "content_block_delta", index: 3, delta: { type: "input_json_delta", partial_json: "{" } }),
      /not a tool_use block/,
    ],
  ])("reports %s as invalid_response", async (_name, text, message) => {
    const { error } = await mapText(text);
    expect(error?.kind).toBe("invalid_response");
    expect(error?.message).toMatch(message);
  });

  it("ignores what follows message_stop, even a broken connection", async () => {
    async function* brokenAfterStop(): AsyncGenerator<ServerSentEvent> {
      yield* parseSse(fromText(recordedStream));
      yield { event: "message", data: "garbage" };
      throw Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    }
    const { events, error } = await collect(brokenAfterStop());
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool_calls" });
  });
});
