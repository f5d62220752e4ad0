import { describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@switchyard/contracts";
import { createOpenAiStreamChunkConverter, type OpenAiChatCompletionChunk } from "./convert-to-openai-stream-chunk.js";
import { mapOpenAiStream } from "./map-openai-stream.js";
import { parseSse } from "../sse/parse-sse.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const usage = { inputTokens: 30, outputTokens: 12, cachedInputTokens: 8 };

const textEvents: ChatStreamEvent[] = [
  { type: "start", model: "gpt-4.1-2025-04-14", providerResponseId: "chatcmpl-s1" },
  { type: "text-delta", text: "Hel" },
  { type: "text-delta", text: "lo — there." },
  { type: "finish", finishReason: "stop", usage },
];

const toolEvents: ChatStreamEvent[] = [
  { type: "start", model: "gpt-4.1-2025-04-14", providerResponseId: "chatcmpl-s2" },
  { type: "tool-call-delta", index: 0, id: "call_a", name: "get_weather", argumentsDelta: "" },
  { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
  { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
  { type: "tool-call-delta", index: 1, id: "call_b", name: "get_time", argumentsDelta: "{}" },
  { type: "finish", finishReason: "tool_calls", usage },
];

function convertAll(events: ChatStreamEvent[], includeUsage: boolean): OpenAiChatCompletionChunk[] {
  const convert = createOpenAiStreamChunkConverter({ includeUsage, nowMs: NOW });
  return events.flatMap((event) => convert(event));
}

/** What an SSE relay would write for these chunks. */
function asEventStream(chunks: OpenAiChatCompletionChunk[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + "data: [DONE]\n\n";
}

async function readBack(text: string): Promise<ChatStreamEvent[]> {
  async function* body(): AsyncGenerator<string> {
    yield text;
  }
  const events: ChatStreamEvent[] = [];
  const context = { provider: "openai", deploymentId: "d", status: 200, requestedModel: "unused" };
  for await (const event of mapOpenAiStream(parseSse(body()), context)) events.push(event);
  return events;
}

describe("createOpenAiStreamChunkConverter", () => {
  it("writes a role chunk, content chunks, a finish chunk and a usage chunk", () => {
    const common = { id: "chatcmpl-s1", object: "chat.completion.chunk", created: NOW / 1000, model: "gpt-4.1-2025-04-14" };
    const choice = (delta: object, finishReason: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
    expect(convertAll(textEvents, true)).toEqual([
      { ...common, choices: choice({ role: "assistant", content: "" }) },
      { ...common, choices: choice({ content: "Hel" }) },
      { ...common, choices: choice({ content: "lo — there." }) },
      { ...common, choices: choice({}, "stop") },
      {
        ...common,
        choices: [],
        usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, prompt_tokens_details: { cached_tokens: 8 } },
      },
    ]);
  });

  it("sends the usage chunk only when asked", () => {
    const chunks = convertAll(textEvents, false);
    expect(chunks).toHaveLength(4);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
  });

  it("writes tool-call pieces as OpenAI does: id, type and name on the first piece of each call", () => {
    const deltas = convertAll(toolEvents, false).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toEqual([
      { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
      { index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
  });

  it("uses the caller's id over the provider's, and generates one when there is neither", () => {
    expect(createOpenAiStreamChunkConverter({ includeUsage: false, id: "req_1" })(textEvents[0]!)[0]?.id).toBe("req_1");
    const [first] = createOpenAiStreamChunkConverter({ includeUsage: false })({ type: "start", model: "m" });
    expect(first?.id).toMatch(/^chatcmpl-/);
  });

  it("opens a stream that lacks its start event with the role chunk anyway", () => {
    const chunks = createOpenAiStreamChunkConverter({ includeUsage: false, nowMs: NOW })({ type: "text-delta", text: "x" });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([{ role: "assistant", content: "" }, { content: "x" }]);
  });

  it.each([
    ["text", textEvents],
    ["tool calls", toolEvents],
  ])("round-trips a %s stream through mapOpenAiStream", async (_name, events) => {
    expect(await readBack(asEventStream(convertAll(events, true)))).toEqual(events);
  });

  it("round-trips error/other finish reasons as stop, and without usage as zeros", async () => {
    const events: ChatStreamEvent[] = [textEvents[0]!, { type: "finish", finishReason: "error", usage }];
    expect((await readBack(asEventStream(convertAll(events, false)))).at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
    });
  });
});
