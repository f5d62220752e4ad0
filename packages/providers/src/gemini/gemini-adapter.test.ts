import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGeminiAdapter } from "./gemini-adapter.js";
import { runAdapterConformanceSuite, expectProviderError } from "../conformance/adapter-conformance.case.js";
import { loadFixture, startFixtureServer, type FixtureServer } from "../conformance/fixture-server.js";
import { TEST_REQUEST, testDeployment } from "../conformance/test-deployment.js";
import type { ProviderAdapter } from "../provider-adapter.js";

const fixture = (name: string) => loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url));

// Gemini has no structured signal for "context too long" (see map-gemini-error.ts), so no recorded answer maps to
// `context_length`; context-window fitting before the call keeps it rare.
runAdapterConformanceSuite({
  format: "gemini",
  unreportableErrorKinds: { context_length: "Gemini reports it as INVALID_ARGUMENT with no structured code" },
  createAdapter: createGeminiAdapter,
  success: {
    response: fixture("generate-content-200"),
    expected: {
      model: "gemini-2.5-flash",
      message: {
        role: "assistant",
        content: "Exponential backoff waits longer after each failed attempt, so a struggling service gets room to recover.",
      },
      finishReason: "stop",
      usage: { inputTokens: 2071, outputTokens: 456, cachedInputTokens: 2048 },
      providerResponseId: "k4k0aOm7G8KUxN8P6NCjmAs",
    },
  },
  errors: [
    {
      name: "429 RESOURCE_EXHAUSTED per minute, with RetryInfo 46s",
      response: fixture("resource-exhausted-429"),
      expected: { kind: "rate_limited", retryable: true, retryAfterMs: 46_000 },
    },
    {
      name: "429 RESOURCE_EXHAUSTED per day",
      response: fixture("daily-quota-429"),
      expected: { kind: "quota_exhausted", retryable: false },
    },
    {
      name: "400 INVALID_ARGUMENT (input token count too large)",
      response: fixture("invalid-argument-400"),
      expected: { kind: "context_length", retryable: false },
    },
    {
      name: "400 INVALID_ARGUMENT (a bad parameter)",
      response: fixture("invalid-argument-bad-parameter-400"),
      expected: { kind: "bad_request", retryable: false },
    },
    { name: "400 API_KEY_INVALID", response: fixture("api-key-invalid-400"), expected: { kind: "auth", retryable: false } },
    { name: "403 PERMISSION_DENIED", response: fixture("permission-denied-403"), expected: { kind: "auth", retryable: false } },
    { name: "404 NOT_FOUND", response: fixture("not-found-404"), expected: { kind: "not_found", retryable: false } },
    { name: "500 INTERNAL", response: fixture("internal-500"), expected: { kind: "server", retryable: true } },
    { name: "503 UNAVAILABLE", response: fixture("unavailable-503"), expected: { kind: "overloaded", retryable: true } },
    { name: "504 DEADLINE_EXCEEDED", response: fixture("deadline-exceeded-504"), expected: { kind: "timeout", retryable: true } },
  ],
});

describe("gemini adapter on the wire", () => {
  let server: FixtureServer;
  let adapter: ProviderAdapter;
  const deployment = (overrides: Parameters<typeof testDeployment>[0]) =>
    testDeployment({ provider: "gemini", format: "gemini", id: "gemini-2-5-flash", model: "gemini-2.5-flash", ...overrides });

  beforeAll(async () => {
    server = await startFixtureServer();
    adapter = createGeminiAdapter();
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.respondWith(fixture("generate-content-200"));
  });

  it("posts Gemini's body to <baseUrl>/models/<model>:generateContent with the key in x-goog-api-key", async () => {
    await adapter.chat({
      deployment: deployment({ baseUrl: `${server.url}/v1beta/`, model: "models/gemini-2.5-flash", defaultMaxOutputTokens: 321 }),
      apiKey: "AIza-test-key",
      request: { ...TEST_REQUEST, model: "ignored-hint", temperature: 0.2, tenant: "acme" },
    });
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: "POST", path: "/v1beta/models/gemini-2.5-flash:generateContent" });
    expect(sent?.headers["x-goog-api-key"]).toBe("AIza-test-key");
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.path).not.toContain("key=");
    expect(JSON.parse(sent?.bodyText ?? "")).toEqual({
      systemInstruction: { parts: [{ text: "You are terse." }] },
      contents: [{ role: "user", parts: [{ text: "Explain exponential backoff in one sentence." }] }],
      generationConfig: { maxOutputTokens: 321, temperature: 0.2 },
    });
  });

  it("sends no key header without a key", async () => {
    await adapter.chat({ deployment: deployment({ baseUrl: `${server.url}/v1beta` }), request: TEST_REQUEST });
    expect(server.requests[0]?.headers["x-goog-api-key"]).toBeUndefined();
  });

  it("refuses a request Gemini cannot express without calling it", async () => {
    const error = await expectProviderError(
      adapter.chat({ deployment: deployment({ baseUrl: `${server.url}/v1beta` }), request: { messages: [{ role: "user", content: "hi", name: "alice" }] } }),
    );
    expect(error.data).toMatchObject({ kind: "bad_request", deploymentId: "gemini-2-5-flash", provider: "gemini" });
    expect(server.requests).toHaveLength(0);
  });

  it("answers a blocked prompt with content_filtered and a function call with tool calls", async () => {
    server.respondWith(fixture("prompt-blocked-200"));
    const blocked = await expectProviderError(adapter.chat({ deployment: deployment({ baseUrl: `${server.url}/v1beta` }), request: TEST_REQUEST }));
    expect(blocked.data).toMatchObject({ kind: "content_filtered", retryable: false, httpStatus: 200 });

    server.respondWith(fixture("function-call-200"));
    const result = await adapter.chat({ deployment: deployment({ baseUrl: `${server.url}/v1beta` }), request: TEST_REQUEST });
    expect(result).toMatchObject({ finishReason: "tool_calls", message: { content: null, tool_calls: [{ function: { name: "get_current_weather" } }, {}] } });
  });
});
