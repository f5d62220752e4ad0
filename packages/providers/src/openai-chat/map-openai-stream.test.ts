import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import { mapOpenAiStream } from "./map-openai-stream.js";
import { parseSse } from "../sse/parse-sse.js";
import { expectProviderError } from "../conformance/adapter-conformance.case.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const context = { provider: "openai", deploymentId: "openai-gpt-4-1", status: 200, requestedModel: "gpt-4.1" };
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");

async function mapAll(text: string, extraContext: Partial<Parameters<typeof mapOpenAiStream>[1]> = {}): Promise<ChatStreamEvent[]> {
  async function* body(): AsyncGenerator<string> {
    yield text;
  }
  const events: ChatStreamEvent[] = [];
  for await (const event of mapOpenAiStream(parseSse(body()), { ...context, ...extraContext })) events.push(event);
  return events;
}

const data = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;
const chunk = (delta: object | null, finishReason: string | null = null) =>
  data({ id: "chatcmpl-x", model: "llama-3.1-8b", choices: [{ index: 0, delta, finish_reason: finishReason }] });

describe("mapOpenAiStream", () => {
  it("maps a recorded text stream to start, text deltas and one finish with the usage chunk's counts", async () => {
    const events = await mapAll(fixture("chat-stream.txt"));
    expect(events[0]).toEqual({ type: "start", model: "gpt-4.1-2025-04-14", providerResponseId: "chatcmpl-BXnQ4mRk8ZyTfJ2wVh6aP0sLdEcGu" });
    const text = events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");
    expect(text).toBe("Exponential backoff spaces retries further apart after each failure — so a struggling service gets room to recover.");
    // The role chunk's empty content is not a delta.
    expect(events.filter((event) => event.type === "text-delta")).toHaveLength(19);
    expect(events.at(-1)).toEqual({ type: "finish", finishReason: "stop", usage: { inputTokens: 1117, outputTokens: 21, cachedInputTokens: 1024 } });
    expect(events.filter((event) => event.type === "finish")).toHaveLength(1);
  });

  it("maps a recorded tool-call stream to tool-call deltas with the id and name on each call's first piece", async () => {
    const events = await mapAll(fixture("chat-stream-tool-calls.txt"));
    const deltas = events.filter((event) => event.type === "tool-call-delta");
    expect(deltas[0]).toEqual({ type: "tool-call-delta", index: 0, id: "call_Qm3RvX8tLk2YpN7wJd4HsE1a", name: "get_weather", argumentsDelta: "" });
    expect(deltas[1]).toEqual({ type: "tool-call-delta", index: 0, argumentsDelta: '{"' });
    const argumentsOf = (index: number) =>
      deltas.flatMap((event) => (event.type === "tool-call-delta" && event.index === index ? [event.argumentsDelta] : [])).join("");
    expect(JSON.parse(argumentsOf(0))).toEqual({ city: "Paris", unit: "celsius" });
    expect(JSON.parse(argumentsOf(1))).toEqual({ timezone: "Europe/Paris" });
    expect(deltas.find((event) => event.type === "tool-call-delta" && event.index === 1)).toMatchObject({
      id: "call_Vb6NcT2pWq9KsR4mLx8HfA3d",
      name: "get_time",
    });
    expect(events.at(-1)).toEqual({ type: "finish", finishReason: "tool_calls", usage: { inputTokens: 142, outputTokens: 48, cachedInputTokens: 0 } });
  });

  it("finishes with zero usage when the server sends no usage chunk", async () => {
    const events = await mapAll(chunk({ role: "assistant" }) + chunk({ content: "hi" }) + chunk({}, "length") + "data: [DONE]\n\n");
    expect(events).toEqual([
      { type: "start", model: "llama-3.1-8b", providerResponseId: "chatcmpl-x" },
      { type: "text-delta", text: "hi" },
      { type: "finish", finishReason: "length", usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 } },
    ]);
  });

  it("accepts a stream that ends after finish_reason without [DONE]", async () => {
    expect((await mapAll(chunk({ content: "hi" }) + chunk({}, "stop"))).at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });
  });

  it("reads [DONE] without finish_reason as finish reason other", async () => {
    expect((await mapAll(chunk({ content: "hi" }) + "data: [DONE]\n\n")).at(-1)).toMatchObject({ type: "finish", finishReason: "other" });
  });

  it("skips Azure's empty first chunk and takes model and id from the first chunk that names them", async () => {
    const azureFirst = data({ id: "", model: "", choices: [], prompt_filter_results: [{ prompt_index: 0 }] });
    const events = await mapAll(azureFirst + chunk({ role: "assistant", content: "" }) + chunk({}, "stop") + "data: [DONE]\n\n");
    expect(events[0]).toEqual({ type: "start", model: "llama-3.1-8b", providerResponseId: "chatcmpl-x" });
  });

  it("uses the requested model when the server names none", async () => {
    const events = await mapAll(data({ choices: [{ delta: { content: "hi" }, finish_reason: "stop" }] }));
    expect(events[0]).toEqual({ type: "start", model: "gpt-4.1" });
  });

  it("reports a streamed refusal with no content as content_filter", async () => {
    const events = await mapAll(chunk({ refusal: "I can't" }) + chunk({ refusal: " help." }) + chunk({}, "stop") + "data: [DONE]\n\n");
    expect(events).toEqual([
      { type: "start", model: "llama-3.1-8b", providerResponseId: "chatcmpl-x" },
      { type: "finish", finishReason: "content_filter", usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 } },
    ]);
  });

  it("reads tool-call pieces without an index by their position", async () => {
    const events = await mapAll(
      chunk({ tool_calls: [{ id: "a", function: { name: "f", arguments: "{}" } }, { id: "b", function: { name: "g", arguments: "{}" } }] }) +
        chunk({}, "tool_calls"),
    );
    expect(events.filter((event) => event.type === "tool-call-delta").map((event) => event.type === "tool-call-delta" && event.index)).toEqual([0, 1]);
  });

  it("ignores named events other than error, and everything after [DONE]", async () => {
    const events = await mapAll("event: ping\ndata: {}\n\n" + chunk({ content: "a" }) + chunk({}, "stop") + "data: [DONE]\n\n" + "data: not json\n\n");
    expect(events.map((event) => event.type)).toEqual(["start", "text-delta", "finish"]);
  });

  it.each([
    ["before finish_reason and [DONE]", chunk({ role: "assistant" }) + chunk({ content: "Exponential back" })],
    ["in the middle of an event", chunk({ content: "Exponential back" }) + 'data: {"id":"chatcmpl-x","choices":[{"delta":{"cont'],
    ["with nothing at all", ""],
  ])("reports a stream cut off %s as invalid_response, never as a short success", async (_name, text) => {
    const error = await expectProviderError(mapAll(text));
    expect(error.data).toMatchObject({ kind: "invalid_response", retryable: true, httpStatus: 200 });
  });

  it("reports [DONE] with no choice before it as invalid_response", async () => {
    expect((await expectProviderError(mapAll("data: [DONE]\n\n"))).kind).toBe("invalid_response");
  });

  it("reports an event that is not JSON, or not a chunk, as invalid_response with the event as excerpt", async () => {
    const notJson = await expectProviderError(mapAll(chunk({ content: "a" }) + "data: <html>\n\n"));
    expect(notJson.data).toMatchObject({ kind: "invalid_response", bodyExcerpt: "<html>" });
    const notAChunk = await expectProviderError(mapAll(data({ choices: "nope" })));
    expect(notAChunk.kind).toBe("invalid_response");
  });

  it.each([
    ["OpenAI's server_error", { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null }, "server"],
    ["a rate limit", { message: "slow down", type: "requests", code: "rate_limit_exceeded" }, "rate_limited"],
    ["an exhausted quota", { message: "pay up", type: "insufficient_quota", code: "insufficient_quota" }, "quota_exhausted"],
    ["context length", { message: "too long", type: "invalid_request_error", code: "context_length_exceeded" }, "context_length"],
    ["a content filter", { message: "filtered", type: "invalid_request_error", code: "content_filter" }, "content_filtered"],
    ["vLLM's numeric 400", { object: "error", message: "bad", type: "BadRequestError", code: 400 }, "bad_request"],
    ["vLLM's numeric 503", { message: "busy", type: "ServiceUnavailableError", code: 503 }, "overloaded"],
  ])("maps an in-stream error event (%s)", async (_name, error, kind) => {
    const mapped = await expectProviderError(mapAll(chunk({ content: "partial " }) + data({ error })));
    expect(mapped.data).toMatchObject({ kind, provider: "openai", deploymentId: "openai-gpt-4-1" });
    expect(mapped.data.httpStatus).toBeUndefined();
    expect(mapped.data.bodyExcerpt).toContain('"error"');
  });

  it("maps an error sent as a named error event, or as a plain string", async () => {
    expect((await expectProviderError(mapAll('event: error\ndata: {"error":{"message":"boom"}}\n\n'))).kind).toBe("server");
    expect((await expectProviderError(mapAll('data: {"error":"model crashed"}\n\n'))).message).toBe(
      "openai sent an error inside its stream (model crashed)",
    );
  });

  it("attaches the response's rate-limit headers to an in-stream error", async () => {
    const error = await expectProviderError(
      mapAll(data({ error: { code: "rate_limit_exceeded" } }), { headers: { "x-ratelimit-remaining-tokens": "0" }, nowMs: NOW }),
    );
    expect(error.data.rateLimit).toEqual({ observedAtMs: NOW, tokens: { remaining: 0 } });
  });

  it("yields the events before an error, then throws it", async () => {
    const events: ChatStreamEvent[] = [];
    async function* body(): AsyncGenerator<string> {
      yield chunk({ content: "partial" }) + data({ error: { type: "server_error" } });
    }
    await expect(
      (async () => {
        for await (const event of mapOpenAiStream(parseSse(body()), context)) events.push(event);
      })(),
    ).rejects.toBeInstanceOf(ProviderError);
    expect(events.map((event) => event.type)).toEqual(["start", "text-delta"]);
  });
});
