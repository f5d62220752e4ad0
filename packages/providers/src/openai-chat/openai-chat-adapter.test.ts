import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiChatAdapter } from "./openai-chat-adapter.js";
import { runAdapterConformanceSuite } from "../conformance/adapter-conformance.case.js";
import { loadFixture, startFixtureServer, type FixtureServer } from "../conformance/fixture-server.js";
import { TEST_REQUEST, testDeployment } from "../conformance/test-deployment.js";
import type { ProviderAdapter } from "../provider-adapter.js";

const fixture = (name: string) => loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url));

runAdapterConformanceSuite({
  format: "openai-chat",
  createAdapter: createOpenAiChatAdapter,
  success: {
    response: fixture("chat-completion-200"),
    expected: {
      model: "gpt-4.1-2025-04-14",
      message: {
        role: "assistant",
        content:
          "Exponential backoff spaces retries further apart after each failure, so a struggling service gets room to recover.",
      },
      finishReason: "stop",
      usage: { inputTokens: 1117, outputTokens: 46, cachedInputTokens: 1024 },
      providerResponseId: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
      rateLimit: { observedAtMs: expect.any(Number), requests: { limit: 10000, remaining: 9999 } },
    },
  },
  errors: [
    {
      name: "429 rate_limit_exceeded with retry-after",
      response: fixture("rate-limit-exceeded-429"),
      expected: { kind: "rate_limited", retryable: true, retryAfterMs: 2_000 },
    },
    {
      name: "429 rate_limit_exceeded with its rate-limit headers",
      response: fixture("rate-limit-exceeded-429"),
      expected: {
        kind: "rate_limited",
        rateLimit: { observedAtMs: expect.any(Number), tokens: { limit: 30000, remaining: 0, resetAtMs: expect.any(Number) }, retryAfterMs: 2_000 },
      },
    },
    {
      name: "429 insufficient_quota",
      response: fixture("insufficient-quota-429"),
      expected: { kind: "quota_exhausted", retryable: false },
    },
    {
      name: "400 context_length_exceeded",
      response: fixture("context-length-exceeded-400"),
      expected: { kind: "context_length", retryable: false },
    },
    {
      name: "400 content_filter",
      response: fixture("content-filter-400"),
      expected: { kind: "content_filtered", retryable: false },
    },
    {
      name: "401 invalid_api_key",
      response: fixture("invalid-api-key-401"),
      expected: { kind: "auth", retryable: false },
    },
    {
      name: "404 model_not_found",
      response: fixture("model-not-found-404"),
      expected: { kind: "not_found", retryable: false },
    },
    {
      name: "500 server_error",
      response: fixture("server-error-500"),
      expected: { kind: "server", retryable: true },
    },
    {
      name: "503 overloaded",
      response: fixture("overloaded-503"),
      expected: { kind: "overloaded", retryable: true },
    },
  ],
});

describe("openai-chat adapter on the wire", () => {
  let server: FixtureServer;
  let adapter: ProviderAdapter;

  beforeAll(async () => {
    server = await startFixtureServer();
    adapter = createOpenAiChatAdapter();
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.respondWith(fixture("chat-completion-200"));
  });

  it("posts OpenAI's body to <baseUrl>/chat/completions", async () => {
    const deployment = testDeployment({ baseUrl: `${server.url}/v1/`, model: "gpt-4.1-mini", defaultMaxOutputTokens: 321 });
    await adapter.chat({
      deployment,
      request: { ...TEST_REQUEST, model: "ignored-hint", temperature: 0.2, tenant: "acme", metadata: { urgency: "high" } },
    });
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
    expect(sent?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(sent?.bodyText ?? "")).toEqual({
      model: "gpt-4.1-mini",
      messages: TEST_REQUEST.messages,
      max_tokens: 321,
      temperature: 0.2,
    });
  });

  it("sends the API key as a bearer token only when given", async () => {
    const deployment = testDeployment({ baseUrl: `${server.url}/v1` });
    await adapter.chat({ deployment, request: TEST_REQUEST, apiKey: "sk-test-123" });
    await adapter.chat({ deployment, request: TEST_REQUEST });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(["Bearer sk-test-123", undefined]);
  });

  it("maps a refusal to finish reason content_filter with no content", async () => {
    server.respondWith({
      status: 200,
      body: {
        id: "chatcmpl-refusal",
        object: "chat.completion",
        model: "gpt-4.1",
        choices: [{ index: 0, message: { role: "assistant", content: null, refusal: "I can't help with that." }, finish_reason: "stop" }],
        usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
      },
    });
    const result = await adapter.chat({ deployment: testDeployment({ baseUrl: `${server.url}/v1` }), request: TEST_REQUEST });
    expect(result).toMatchObject({ message: { content: null }, finishReason: "content_filter", usage: { cachedInputTokens: 0 } });
  });

  it("accepts an OpenAI-compatible server that omits usage and id", async () => {
    server.respondWith({
      status: 200,
      body: { choices: [{ message: { role: "assistant", content: "hi" }, finish_reason: "length" }] },
    });
    const result = await adapter.chat({ deployment: testDeployment({ baseUrl: `${server.url}/v1` }), request: TEST_REQUEST });
    expect(result).toEqual({
      model: "gpt-4.1",
      message: { role: "assistant", content: "hi" },
      finishReason: "length",
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
    });
  });

  it("maps a recorded tool-call completion and sends tools, tool choice and response format", async () => {
    server.respondWith(fixture("chat-completion-tool-calls-200"));
    const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object" } } }];
    const result = await adapter.chat({
      deployment: testDeployment({ baseUrl: `${server.url}/v1` }),
      request: { ...TEST_REQUEST, tools, tool_choice: "auto", response_format: { type: "json_object" } },
    });
    expect(JSON.parse(server.requests[0]?.bodyText ?? "")).toMatchObject({ tools, tool_choice: "auto", response_format: { type: "json_object" } });
    expect(result).toMatchObject({
      message: { content: null, tool_calls: [{ id: "call_Qm3RvX8tLk2YpN7wJd4HsE1a" }, { id: "call_Vb6NcT2pWq9KsR4mLx8HfA3d" }] },
      finishReason: "tool_calls",
      rateLimit: { requests: { limit: 10000, remaining: 9998 }, tokens: { limit: 30000000, remaining: 29999850 } },
    });
  });
});
