import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis, keyNames } from "@switchyard/queue";
import { startStack, type TestStack } from "../support/stack.js";

// `stream: true` on the drop-in endpoints with the official SDKs, unchanged: the worker forwards the provider's
// stream through a Redis Stream per request and the API relays it as server-sent events in the caller's format.
describe("streaming drop-in endpoints", () => {
  let stack: TestStack;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    openai = new OpenAI({ baseURL: `${stack.apiUrl}/v1`, apiKey: stack.adminKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: stack.apiUrl, apiKey: stack.adminKey, maxRetries: 0 });
    redis = createRedis(inject("redisUrl"), "worker");
  });
  afterEach(async () => {
    await stack.sim.reset();
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  const record = async (id: string | null) => (await stack.api.get(`/v1/requests/${id}`)).body;

  /** Ids of cancelled requests, from the outbox (a caller that left before any header never learned its id). */
  async function cancelledIds(): Promise<string[]> {
    const entries = await redis.xrange(keyNames(stack.prefix).outbox(), "-", "+");
    return entries.map(([, fields]) => Object.fromEntries(chunks(fields))).filter((entry) => entry.status === "cancelled").map((entry) => entry.id as string);
  }

  it("streams chat.completion.chunk events to the openai client: the same text as a plain call, usage included", async () => {
    const params = { model: "anthropic-claude-haiku-4-5", max_tokens: 48, messages: [{ role: "user" as const, content: "Describe a retry queue." }] };
    const { data: stream, response } = await openai.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }).withResponse();
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-switchyard-deployment")).toBe("anthropic-claude-haiku-4-5");
    const id = response.headers.get("x-switchyard-request-id");
    let text = "";
    let chunkCount = 0;
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      chunkCount++;
      expect(chunk.object).toBe("chat.completion.chunk");
      text += chunk.choices[0]?.delta.content ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      usage = chunk.usage ?? usage;
    }
    expect(chunkCount).toBeGreaterThan(3);
    expect(finishReason).toMatch(/stop|length/);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const plain = await openai.chat.completions.create(params);
    expect(text).toBe(plain.choices[0]?.message.content);
    const stored = await record(id);
    expect(stored).toMatchObject({ status: "succeeded", deployment_id: "anthropic-claude-haiku-4-5", result: { message: { content: text } } });
    expect(stored.cost_usd).toBeGreaterThan(0);
    expect(stored.usage.output_tokens).toBe(usage?.completion_tokens);
  });

  it("streams Anthropic events to messages.stream(), whose finalMessage() is the plain answer", async () => {
    const params = { model: "openai-gpt-4-1-mini", max_tokens: 40, messages: [{ role: "user" as const, content: "What is backpressure?" }] };
    const deltas: string[] = [];
    const stream = anthropic.messages.stream(params).on("text", (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "gpt-4.1-mini", stop_reason: expect.stringMatching(/end_turn|max_tokens/) });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const plain = await anthropic.messages.create(params);
    const text = (blocks: Anthropic.ContentBlock[]) => blocks.map((block) => (block.type === "text" ? block.text : "")).join("");
    expect(text(message.content)).toBe(text(plain.content));
    expect(deltas.join("")).toBe(text(plain.content));
  });

  it("relays the raw event sequence to create({ stream: true }), here from a Gemini deployment", async () => {
    const events = await anthropic.messages.create({ model: "gemini-2-5-flash", max_tokens: 32, stream: true, messages: [{ role: "user", content: "Name a queue." }] });
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    expect(types[0]).toBe("message_start");
    expect(types.slice(1, 3)).toEqual(["content_block_start", "content_block_delta"]);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
  });

  it("replays an answer served from the response cache as a stream, with the cost known up front", async () => {
    // Switchyard's own `cache` option rides along in the OpenAI body; the SDK passes unknown fields through.
    const params = { model: "openai-gpt-4-1-mini", messages: [{ role: "user" as const, content: "Cache me if you can." }], cache: "prefer" } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const plain = await openai.chat.completions.create(params);
    const { data: stream, response } = await openai.chat.completions.create({ ...params, stream: true }).withResponse();
    expect(response.headers.get("x-switchyard-cache")).toBe("hit");
    expect(response.headers.get("x-switchyard-cost-usd")).toBe("0");
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(plain.choices[0]?.message.content);
  });

  it("raises the SDKs' own error classes when the request fails before its first chunk", async () => {
    await stack.sim.setModel("gpt-4.1", { errorRate: 1, errorStatus: 400 });
    await expect(
      openai.chat.completions.create({ model: "openai-gpt-4-1", stream: true, messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const anthropicError = await anthropic.messages
      .create({ model: "openai-gpt-4-1", max_tokens: 8, stream: true, messages: [{ role: "user", content: "hi" }] })
      .then(() => undefined, (error: unknown) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.BadRequestError);
    expect((anthropicError as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });

    // The asynchronous endpoint has nobody to stream to.
    const asynchronous = await stack.api.post("/v1/requests", { stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(asynchronous.status).toBe(400);
    expect(asynchronous.body.error.param).toBe("stream");
  });

  it("falls back before the first chunk and still streams the whole answer from the fallback", async () => {
    await stack.sim.setModel("gpt-4.1", { contentFilterPhrase: "forbidden", contentFilterRejectsPrompt: true });
    const { data: stream, response } = await openai.chat.completions
      .create({ model: "openai-gpt-4-1", stream: true, max_tokens: 32, messages: [{ role: "user", content: "Say something forbidden." }] })
      .withResponse();
    const servedBy = response.headers.get("x-switchyard-deployment");
    expect(servedBy).not.toBe("openai-gpt-4-1");
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);
    const stored = await record(response.headers.get("x-switchyard-request-id"));
    expect(stored).toMatchObject({ status: "succeeded", deployment_id: servedBy, result: { message: { content: text } } });
    const providerHops = stored.hops.filter((hop: { stage: string }) => hop.stage === "provider");
    expect(providerHops.map((hop: { outcome: string; error?: { code: string } }) => [hop.outcome, hop.error?.code])).toEqual([
      ["error", "content_filtered"],
      ["ok", undefined],
    ]);
  });

  it("ends a stream that breaks after its first chunk with the format's error event, and fails the request without fallback", async () => {
    // The simulator cuts the connection halfway through the stream.
    await stack.sim.setModel("gpt-4.1", { partialBodyRate: 1 });
    const { data: stream, response } = await openai.chat.completions
      .create({ model: "openai-gpt-4-1", stream: true, max_tokens: 64, messages: [{ role: "user", content: "Explain idempotency keys." }] })
      .withResponse();
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().then(() => undefined, (error: unknown) => error);
    expect(text.length).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const stored = await record(response.headers.get("x-switchyard-request-id"));
    expect(stored.status).toBe("failed");
    expect(stored.hops.filter((hop: { stage: string }) => hop.stage === "provider")).toEqual([
      expect.objectContaining({ outcome: "error", note: expect.stringContaining("no other deployment may take over") }),
    ]);
    expect((await stack.sim.stats()).totalRequests).toBe(1);

    const anthropicFailure = await (async () => {
      const events = await anthropic.messages.create({ model: "openai-gpt-4-1", max_tokens: 64, stream: true, messages: [{ role: "user", content: "Explain outboxes." }] });
      for await (const _event of events) {
        // read to the end
      }
    })().then(() => undefined, (error: unknown) => error);
    expect(anthropicFailure).toBeInstanceOf(Anthropic.APIError);
  });

  it("cancels the request when the openai client aborts mid-stream; the worker aborts its provider call", async () => {
    // The simulator trickles the stream's frames over 20 s: the client has the first chunks long before the end.
    await stack.sim.setModel("gpt-4.1", { slowBodyRate: 1, slowBodyMs: 20_000 });
    const controller = new AbortController();
    const { data: stream, response } = await openai.chat.completions
      .create({ model: "openai-gpt-4-1", stream: true, max_tokens: 64, messages: [{ role: "user", content: "Tell a long story." }] }, { signal: controller.signal })
      .withResponse();
    const id = response.headers.get("x-switchyard-request-id")!;
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    controller.abort();
    // Chunks the SDK had already received may still come out of its buffer (more of them on a loaded machine); then
    // it ends the aborted iteration (quietly, in this version, or with an abort error): the connection is closed.
    let step: { done?: boolean } = { done: false };
    for (let buffered = 0; buffered < 100 && !step.done; buffered++) step = await iterator.next().catch(() => ({ done: true }));
    expect(step.done).toBe(true);

    await expect.poll(async () => (await record(id)).status, { timeout: 5_000 }).toBe("cancelled");
    expect((await record(id)).error).toMatchObject({ code: "cancelled", message: "client_disconnected" });
    // The worker ends the stream with the cancellation once its provider call was aborted.
    await expect
      .poll(async () => {
        const [last] = await redis.xrevrange(keyNames(stack.prefix).requestStream(id), "+", "-", "COUNT", 1);
        return last ? JSON.parse(last[1][1]!) : undefined;
      }, { timeout: 5_000 })
      .toMatchObject({ kind: "error", error: { code: "cancelled" } });
  });

  it("cancels the request when a client leaves before its first chunk, streaming or not; the provider call is aborted", async () => {
    await stack.sim.setModel("gpt-4.1-mini", { latency: { kind: "fixed", ms: 30_000 } });
    const before = new Set(await cancelledIds());
    const leave = async (call: (signal: AbortSignal) => Promise<unknown>) => {
      const controller = new AbortController();
      const pending = call(controller.signal).catch((error: unknown) => error);
      // Long enough for dispatch and the start of the provider call.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      controller.abort();
      expect(await pending).toBeInstanceOf(Error);
    };
    await leave((signal) =>
      anthropic.messages.create({ model: "openai-gpt-4-1-mini", max_tokens: 8, stream: true, messages: [{ role: "user", content: "Stream, then leave." }] }, { signal }),
    );
    await leave((signal) => openai.chat.completions.create({ model: "openai-gpt-4-1-mini", messages: [{ role: "user", content: "Wait, then leave." }] }, { signal }));

    await expect.poll(async () => (await cancelledIds()).filter((id) => !before.has(id)).length, { timeout: 5_000 }).toBe(2);
    await expect.poll(async () => (await stack.sim.stats()).byModel["gpt-4.1-mini"]?.byStatus["499"], { timeout: 5_000 }).toBe(2);
    for (const id of (await cancelledIds()).filter((cancelled) => !before.has(cancelled))) {
      expect(await record(id)).toMatchObject({ status: "cancelled", error: { message: "client_disconnected" } });
    }
  });
});

function chunks(fields: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) pairs.push([fields[index]!, fields[index + 1]!]);
  return pairs;
}
