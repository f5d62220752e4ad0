import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

// A client may speak OpenAI, Anthropic or Gemini; any deployment of the default mixed fleet may serve it; the
// client reads the answer back in its own format. The provider response id in the record says which wire
// format the worker actually spoke to the simulator (chatcmpl- for OpenAI chat, msg_ for Anthropic).
describe("client formats across a mixed fleet", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function submitAndWait(body: unknown, format?: string) {
    const submitted = await stack.api.post(`/v1/requests${format ? `?format=${format}` : ""}`, body);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const done = await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`);
    expect(done.body.status, JSON.stringify(done.body.error)).toBe("succeeded");
    return done.body;
  }

  it("serves an OpenAI-shaped request from an Anthropic-format deployment and answers in OpenAI shape", async () => {
    const record = await submitAndWait({
      model: "anthropic-claude-haiku-4-5",
      messages: [
        { role: "system", content: "Answer in one sentence." },
        { role: "user", content: "What does a circuit breaker protect?" },
      ],
      max_tokens: 64,
      stop: ["\n\n"],
    });
    expect(record.client_format).toBe("openai");
    expect(record.deployment_id).toBe("anthropic-claude-haiku-4-5");
    expect(record.result.provider_response_id).toMatch(/^msg_/);
    expect(record.response).toMatchObject({
      id: `chatcmpl-${record.id}`,
      object: "chat.completion",
      model: "claude-haiku-4-5",
      choices: [{ index: 0, message: { role: "assistant", content: expect.any(String) }, finish_reason: expect.stringMatching(/^(stop|length)$/) }],
      usage: { prompt_tokens: record.usage.input_tokens, completion_tokens: record.usage.output_tokens },
    });
  });

  it("serves an Anthropic-shaped request from an OpenAI-format deployment and answers in Anthropic shape", async () => {
    const record = await submitAndWait(
      {
        model: "gpt-4.1-mini",
        system: [{ type: "text", text: "You are terse." }],
        messages: [{ role: "user", content: [{ type: "text", text: "Name one benefit of durable queues." }] }],
        max_tokens: 48,
        metadata: { user_id: "user-42" },
        switchyard: { metadata: { urgency: "high" }, tenant: "acme" },
      },
      "anthropic",
    );
    expect(record).toMatchObject({ client_format: "anthropic", tenant: "acme", deployment_id: "openai-gpt-4-1-mini" });
    expect(record.result.provider_response_id).toMatch(/^chatcmpl-/);
    expect(record.response).toMatchObject({
      id: `msg_${record.id}`,
      type: "message",
      role: "assistant",
      model: "gpt-4.1-mini",
      content: [{ type: "text", text: expect.any(String) }],
      stop_reason: expect.stringMatching(/^(end_turn|max_tokens)$/),
      usage: { input_tokens: record.usage.input_tokens, output_tokens: record.usage.output_tokens },
    });
  });

  it("serves a Gemini-shaped request from an Anthropic-format deployment and answers in Gemini shape", async () => {
    const record = await submitAndWait(
      {
        model: "claude-sonnet-4-5",
        systemInstruction: { parts: [{ text: "Be brief." }] },
        contents: [{ role: "user", parts: [{ text: "Why fall back to a different provider?" }] }],
        generationConfig: { maxOutputTokens: 40, temperature: 0.2 },
      },
      "gemini",
    );
    expect(record).toMatchObject({ client_format: "gemini", deployment_id: "anthropic-claude-sonnet-4-5" });
    expect(record.response).toMatchObject({
      candidates: [{ content: { role: "model", parts: [{ text: expect.any(String) }] }, finishReason: expect.stringMatching(/^(STOP|MAX_TOKENS)$/) }],
      usageMetadata: { promptTokenCount: record.usage.input_tokens, candidatesTokenCount: record.usage.output_tokens },
      modelVersion: "claude-sonnet-4-5",
      responseId: record.id,
    });
  });

  it("carries a tool call from an OpenAI client through a Gemini deployment and back", async () => {
    const record = await submitAndWait({
      model: "gemini-2-5-flash",
      messages: [{ role: "user", content: "Use get_weather for Lisbon." }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      ],
      tool_choice: "required",
    });
    expect(record.deployment_id).toBe("gemini-2-5-flash");
    const choice = record.response.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toMatchObject({ city: expect.any(String) });
  });

  it("reads any request back in another format with ?format=", async () => {
    const record = await submitAndWait({ model: "openai-gpt-4-1-mini", messages: [{ role: "user", content: "Say hello." }] });
    const asAnthropic = (await stack.api.get(`/v1/requests/${record.id}?format=anthropic`)).body;
    expect(asAnthropic.response).toMatchObject({ type: "message", content: [{ type: "text", text: record.response.choices[0].message.content }] });
    const asGemini = (await stack.api.get(`/v1/requests/${record.id}?format=gemini`)).body;
    expect(asGemini.response.candidates[0].content.parts[0].text).toBe(record.response.choices[0].message.content);
  });

  it("keeps PII sent in Anthropic shape on private deployments", async () => {
    const record = await submitAndWait(
      { model: "auto", max_tokens: 32, messages: [{ role: "user", content: "Email jane.doe@example.com about her card 4111 1111 1111 1111." }] },
      "anthropic",
    );
    expect(record.tier).toBe("private");
    expect(record.deployment_id).toBe("local-llama-3-1-8b");
    expect(record.response.type).toBe("message");
  });

  it("answers what a format cannot express, or a wrong format, with a 400 naming it", async () => {
    const noMaxTokens = await stack.api.post("/v1/requests?format=anthropic", { model: "auto", messages: [{ role: "user", content: "hi" }] });
    expect(noMaxTokens.status).toBe(400);
    expect(noMaxTokens.body.error).toMatchObject({ type: "invalid_request_error", param: "max_tokens" });

    const topK = await stack.api.post("/v1/requests?format=anthropic", { model: "auto", max_tokens: 5, top_k: 5, messages: [{ role: "user", content: "hi" }] });
    expect(topK.status).toBe(400);
    expect(topK.body.error.message).toMatch(/top_k/);

    const streaming = await stack.api.post("/v1/requests?format=anthropic", { model: "auto", max_tokens: 5, stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(streaming.status).toBe(400);
    expect(streaming.body.error.param).toBe("stream");

    const badOption = await stack.api.post("/v1/requests?format=anthropic", {
      model: "auto",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
      switchyard: { constraints: { maxLatencyMs: -1 } },
    });
    expect(badOption.status).toBe(400);
    expect(badOption.body.error.param).toBe("switchyard.constraints.maxLatencyMs");

    const safety = await stack.api.post("/v1/requests?format=gemini", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
    });
    expect(safety.status).toBe(400);
    expect(safety.body.error.message).toMatch(/safetySettings/);

    const unknownFormat = await stack.api.post("/v1/requests?format=cohere", { messages: [{ role: "user", content: "hi" }] });
    expect(unknownFormat.status).toBe(400);
    expect(unknownFormat.body.error.param).toBe("format");

    expect((await stack.api.get("/healthz")).status).toBe(200);
  });
});
