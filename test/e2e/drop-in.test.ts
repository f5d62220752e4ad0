import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

// The official SDKs, pointed at Switchyard with a Switchyard key, unchanged: the request goes through the same
// classification, queues and cascade, and the answer comes back in the caller's own format.
describe("drop-in OpenAI and Anthropic endpoints", () => {
  let stack: TestStack;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    openai = new OpenAI({ baseURL: `${stack.apiUrl}/v1`, apiKey: stack.adminKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: stack.apiUrl, apiKey: stack.adminKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("answers chat.completions.create in OpenAI's shape, saying which deployment served it and at what cost", async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: "anthropic-claude-haiku-4-5", messages: [{ role: "user", content: "Name a queue." }], max_tokens: 32 })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe("claude-haiku-4-5");
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-switchyard-deployment")).toBe("anthropic-claude-haiku-4-5");
    expect(Number(response.headers.get("x-switchyard-cost-usd"))).toBeGreaterThan(0);
    const id = response.headers.get("x-switchyard-request-id");
    expect((await stack.api.get(`/v1/requests/${id}`)).body).toMatchObject({ status: "succeeded", client_format: "openai" });
  });

  it("routes model: auto, and lists the deployments as models", async () => {
    const completion = await openai.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Say hello." }] });
    expect(completion.choices[0]?.finish_reason).toMatch(/stop|length/);
    const models = [];
    for await (const model of openai.models.list()) models.push(model.id);
    expect(models).toEqual(expect.arrayContaining(["auto", "openai-gpt-4-1", "gemini-2-5-flash", "local-llama-3-1-8b"]));
  });

  it("answers messages.create in Anthropic's shape, served by an OpenAI-format deployment", async () => {
    const message = await anthropic.messages.create({
      model: "openai-gpt-4-1-mini",
      max_tokens: 48,
      system: "Be brief.",
      messages: [{ role: "user", content: "What is a dead-letter queue?" }],
    });
    expect(message.type).toBe("message");
    expect(message.model).toBe("gpt-4.1-mini");
    expect(message.content[0]).toMatchObject({ type: "text", text: expect.any(String) });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it("turns bad input and failed requests into the SDKs' own error classes", async () => {
    await expect(openai.chat.completions.create({ model: "auto", messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(openai.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }], n: 2 })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    const wrongKey = new OpenAI({ baseURL: `${stack.apiUrl}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
    await expect(wrongKey.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const anthropicError = await anthropic.messages
      .create({ model: "auto", max_tokens: 0, messages: [{ role: "user", content: "hi" }] })
      .then(() => undefined, (error: unknown) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.BadRequestError);
    expect((anthropicError as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    const anthropicWrongKey = new Anthropic({ baseURL: stack.apiUrl, apiKey: "sk-wrong", maxRetries: 0 });
    await expect(anthropicWrongKey.messages.create({ model: "auto", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );

    // A provider refusing the request as the caller's fault: the SDK gets the 400 with the provider's reason, at once.
    await stack.sim.patch({ models: { "llama-3.1-8b-instruct": { errorRate: 1, errorStatus: 400 } } });
    try {
      const failed = await openai.chat.completions
        .create({ model: "auto", messages: [{ role: "user", content: "My card is 4111 1111 1111 1111." }] })
        .then(() => undefined, (error: unknown) => error);
      expect(failed).toBeInstanceOf(OpenAI.BadRequestError);
    } finally {
      await stack.sim.reset();
    }
  });
});
