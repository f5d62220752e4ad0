import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { startProviderSim, type ProviderSim } from "../start-provider-sim.js";

/**
 * The simulator driven by the official `openai` v6 client: if the SDK parses it, so will every OpenAI
 * integration. Errors are asserted by the SDK's own classes, retries by the simulator's stats.
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
  new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: options.apiKey ?? "x", maxRetries: options.maxRetries ?? 0 });

const messages = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "Explain idempotency keys for payment retries" },
];

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { location: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
      required: ["location", "unit"],
    },
  },
};

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable("the call should have failed"),
    (error: unknown) => error,
  );
}

describe("openai SDK against provider-sim", () => {
  it("parses a completion, its usage and the rate-limit headers", async () => {
    const { data, response } = await client().chat.completions.create({ model: "gpt-4.1", messages }).withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0]?.message.content).toMatch(/idempotency|payment/);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get("x-ratelimit-remaining-requests")).toMatch(/^\d+$/);
    expect(response.headers.get("x-ratelimit-reset-requests")).toMatch(/^(\d+m)?[\d.]+m?s$/);
  });

  it("streams chunks that reassemble into the non-streamed content, with a usage chunk", async () => {
    const whole = await client().chat.completions.create({ model: "gpt-4.1", messages });
    const stream = await client().chat.completions.create({
      model: "gpt-4.1",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let finishReason: string | null = null;
    const usages: unknown[] = [];
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe("chat.completion.chunk");
      const choice = chunk.choices[0];
      if (choice) {
        content += choice.delta.content ?? "";
        finishReason = choice.finish_reason ?? finishReason;
      } else {
        usages.push(chunk.usage);
      }
    }
    expect(chunks).toBeGreaterThan(5);
    expect(content).toBe(whole.choices[0]?.message.content);
    expect(finishReason).toBe("stop");
    expect(usages).toEqual([whole.usage]);
  });

  it("calls a tool the user names, in a message and in stream deltas", async () => {
    const request = {
      model: "gpt-4.1",
      messages: [{ role: "user" as const, content: "Use get_weather for Paris please" }],
      tools: [weatherTool],
    };
    const completion = await client().chat.completions.create(request);
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    if (call?.type !== "function") return;
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ location: "San Francisco, CA", unit: "celsius" });

    let streamedArguments = "";
    let streamedName: string | undefined;
    let finishReason: string | null = null;
    for await (const chunk of await client().chat.completions.create({ ...request, stream: true })) {
      const delta = chunk.choices[0]?.delta;
      streamedName ??= delta?.tool_calls?.[0]?.function?.name;
      streamedArguments += delta?.tool_calls?.[0]?.function?.arguments ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(streamedName).toBe("get_weather");
    expect(streamedArguments).toBe(call.function.arguments);
    expect(finishReason).toBe("tool_calls");

    const none = await client().chat.completions.create({ ...request, tool_choice: "none" });
    expect(none.choices[0]?.finish_reason).toBe("stop");
  });

  it("reports a filtered prompt as finish_reason content_filter", async () => {
    sim.setConfig({ contentFilterPhrase: "forbidden topic" });
    const completion = await client().chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Tell me about the Forbidden Topic" }],
    });
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");
  });

  it("raises RateLimitError with the retry headers, and keeps insufficient_quota apart", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, retryAfterMs: 1_500 });
    const limited = await rejection(client().chat.completions.create({ model: "gpt-4.1", messages }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const error = limited as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.status).toBe(429);
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers.get("retry-after-ms")).toBe("1500");

    sim.setConfig({ errorRate: 1, errorStatus: 429, quotaExhausted: true });
    const quota = await rejection(client().chat.completions.create({ model: "gpt-4.1", messages }));
    expect(quota).toBeInstanceOf(OpenAI.RateLimitError);
    expect((quota as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota");
  });

  it("raises AuthenticationError, BadRequestError(context_length_exceeded) and InternalServerError", async () => {
    sim.setConfig({ requireApiKey: "sk-sim" });
    expect(await rejection(client({ apiKey: "sk-wrong" }).chat.completions.create({ model: "gpt-4.1", messages }))).toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    sim.setConfig({ models: { "gpt-4.1-mini": { contextWindowTokens: 10 } } });
    const tooLong = await rejection(client().chat.completions.create({ model: "gpt-4.1-mini", messages }));
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tooLong).toMatchObject({ status: 400, code: "context_length_exceeded", param: "messages" });

    sim.setConfig({ errorRate: 1, errorStatus: 500 });
    expect(await rejection(client().chat.completions.create({ model: "gpt-4.1", messages }))).toBeInstanceOf(
      OpenAI.InternalServerError,
    );
  });

  it("retries a 429 after retry-after-ms and succeeds once the window has passed", async () => {
    sim.setConfig({ models: { "gpt-4.1": { rpm: 1, limitWindowMs: 300 } } });
    await client().chat.completions.create({ model: "gpt-4.1", messages });
    const completion = await client({ maxRetries: 2 }).chat.completions.create({ model: "gpt-4.1", messages });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const byStatus = sim.stats().byModel["gpt-4.1"]?.byStatus ?? {};
    expect(byStatus["200"]).toBe(2);
    expect(byStatus["429"]).toBeGreaterThanOrEqual(1);
  });

  it("gives up after maxRetries when every attempt is rate limited", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, retryAfterMs: 20 });
    expect(await rejection(client({ maxRetries: 2 }).chat.completions.create({ model: "gpt-4.1", messages }))).toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    expect(sim.stats().byModel["gpt-4.1"]?.byStatus).toEqual({ "429": 3 });
  });
});
