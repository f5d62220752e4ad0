import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Anthropic from "@anthropic-ai/sdk";
import { startProviderSim, type ProviderSim } from "../start-provider-sim.js";

/**
 * The simulator driven by the official `@anthropic-ai/sdk` client: message shapes, the event stream its
 * `MessageStream` accumulates, its error classes, and its retries on 429 and 529.
 */
let sim: ProviderSim;

beforeAll(async () => {
  sim = await startProviderSim();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

const client = (options: { maxRetries?: number; apiKey?: string } = {}) =>
  new Anthropic({ baseURL: sim.url, apiKey: options.apiKey ?? "x", maxRetries: options.maxRetries ?? 0 });

// Not a real model id: the SDK warns about deprecated real ones.
const MODEL = "claude-sim-1";
const request = {
  model: MODEL,
  max_tokens: 1024,
  system: "You are terse.",
  messages: [{ role: "user" as const, content: "Explain backpressure in message queues" }],
};
const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { location: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
    required: ["location"],
  },
};

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable("the call should have failed"),
    (error: unknown) => error,
  );
}

function rawPost(body: unknown, headers: Record<string, string> = { "anthropic-version": "2023-06-01" }) {
  return fetch(`${sim.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("@anthropic-ai/sdk against provider-sim", () => {
  it("parses a message, its usage, request id and rate-limit headers", async () => {
    const { data, response } = await client().messages.create(request).withResponse();
    expect(data).toMatchObject({ type: "message", role: "assistant", model: MODEL, stop_reason: "end_turn", stop_sequence: null });
    expect(data.id).toMatch(/^msg_01/);
    expect(data.content[0]?.type).toBe("text");
    expect(data.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(data.usage.input_tokens).toBeGreaterThan(5);
    expect(data.usage.output_tokens).toBeGreaterThan(5);
    expect(response.headers.get("request-id")).toMatch(/^req_01/);
    expect(response.headers.get("anthropic-ratelimit-requests-remaining")).toMatch(/^\d+$/);
    expect(response.headers.get("anthropic-ratelimit-tokens-reset")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("reports max_tokens and stop_sequence stops", async () => {
    const short = await client().messages.create({ ...request, max_tokens: 4 });
    expect(short.stop_reason).toBe("max_tokens");
    expect(short.usage.output_tokens).toBe(4);
    const stopped = await client().messages.create({ ...request, stop_sequences: ["."] });
    expect(stopped).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "." });
  });

  it("streams the event sequence MessageStream accumulates into the same message", async () => {
    const whole = await client().messages.create(request);
    const events: string[] = [];
    const stream = client().messages.stream(request);
    stream.on("streamEvent", (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(whole.content);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(events.slice(0, 2)).toEqual(["message_start", "content_block_start"]);
    expect(events.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(events.filter((type) => type === "content_block_delta").length).toBeGreaterThan(2);
  });

  it("sends event: and data: lines, with a ping after the first content block starts", async () => {
    const response = await rawPost({ ...request, stream: true });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const frames = (await response.text()).split("\n\n").filter((frame) => frame !== "");
    const names = frames.map((frame) => /^event: (\w+)\ndata: \{/.exec(frame)?.[1]);
    expect(names.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
    expect(names.at(-1)).toBe("message_stop");
  });

  it("answers a tool_use block when the user names a tool, streamed or not", async () => {
    const toolRequest = { ...request, tools: [weatherTool], messages: [{ role: "user" as const, content: "Call get_weather for Lyon" }] };
    const message = await client().messages.create(toolRequest);
    expect(message.stop_reason).toBe("tool_use");
    const block = message.content[0];
    expect(block?.type).toBe("tool_use");
    if (block?.type !== "tool_use") return;
    expect(block).toMatchObject({ name: "get_weather", input: { location: "San Francisco, CA" } });
    expect(block.id).toMatch(/^toolu_01/);

    const streamed = await client().messages.stream(toolRequest).finalMessage();
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.content[0]).toMatchObject({ type: "tool_use", name: "get_weather", input: { location: "San Francisco, CA" } });
  });

  it("answers stop_reason refusal for a filtered prompt", async () => {
    sim.setConfig({ contentFilterPhrase: "forbidden topic" });
    const message = await client().messages.create({ ...request, messages: [{ role: "user", content: "About the forbidden topic" }] });
    expect(message).toMatchObject({ stop_reason: "refusal", content: [] });
    const streamed = await client().messages.stream({ ...request, messages: [{ role: "user", content: "forbidden topic" }] }).finalMessage();
    expect(streamed.stop_reason).toBe("refusal");
  });

  it("raises RateLimitError, OverloadedError (529), AuthenticationError and BadRequestError", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, retryAfterMs: 2_000 });
    const limited = await rejection(client().messages.create(request));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited).toMatchObject({ status: 429, type: "rate_limit_error" });
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after")).toBe("2");

    sim.setConfig({ errorRate: 1, errorStatus: 529 });
    const overloaded = await rejection(client().messages.create(request));
    // This SDK version has a class for 529; it is an InternalServerError, as older versions raised.
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect(overloaded).toMatchObject({ status: 529, type: "overloaded_error" });

    sim.setConfig({ requireApiKey: "sk-ant-sim" });
    expect(await rejection(client({ apiKey: "sk-ant-wrong" }).messages.create(request))).toBeInstanceOf(Anthropic.AuthenticationError);

    sim.setConfig({ contextWindowTokens: 5 });
    const tooLong = await rejection(client().messages.create(request));
    expect(tooLong).toBeInstanceOf(Anthropic.BadRequestError);
    expect((tooLong as InstanceType<typeof Anthropic.BadRequestError>).message).toMatch(/prompt is too long: \d+ tokens > 5 maximum/);
  });

  it.each([
    [{ model: MODEL, messages: request.messages }, "max_tokens: Field required"],
    [{ ...request, messages: [] }, "messages: at least one message is required"],
    [{ ...request, messages: [{ role: "assistant", content: "hi" }] }, 'messages: first message must use the "user" role'],
    [
      { ...request, messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }] },
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    ],
    [{ ...request, max_tokens: "many" }, "max_tokens: Input should be a valid integer"],
  ])("rejects %j with Anthropic's invalid_request_error", async (body, message) => {
    const response = await rawPost(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message } });
  });

  it("requires the anthropic-version header", async () => {
    const response = await rawPost(request, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: "anthropic-version: header is required" } });
  });

  it("retries 529s until the outage is over", async () => {
    sim.setConfig({ downUntilMs: Date.now() + 300, downStatus: 529, retryAfterMs: 0 });
    const message = await client({ maxRetries: 3 }).messages.create(request);
    expect(message.stop_reason).toBe("end_turn");
    const byStatus = sim.stats().byModel[MODEL]?.byStatus ?? {};
    expect(byStatus["529"]).toBeGreaterThanOrEqual(1);
    expect(byStatus["200"]).toBe(1);
  });

  it("retries a 429 after retry-after and succeeds in the next window", async () => {
    sim.setConfig({ rpm: 1, limitWindowMs: 500 });
    await client().messages.create(request);
    const message = await client({ maxRetries: 2 }).messages.create(request);
    expect(message.type).toBe("message");
    const byStatus = sim.stats().byModel[MODEL]?.byStatus ?? {};
    expect(byStatus["429"]).toBeGreaterThanOrEqual(1);
    expect(byStatus["200"]).toBe(2);
  });
});
