import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@switchyard/contracts";
import { createAnthropicMessagesAdapter } from "./anthropic-messages-adapter.js";
import { expectProviderError, runAdapterConformanceSuite } from "../conformance/adapter-conformance.case.js";
import { loadFixture, startFixtureServer, type FixtureServer } from "../conformance/fixture-server.js";
import { TEST_REQUEST, testDeployment } from "../conformance/test-deployment.js";
import type { ProviderAdapter } from "../provider-adapter.js";

const fixture = (name: string) => loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url));
const recordedStream = readFileSync(new URL("./__fixtures__/message-stream-tool-use.txt", import.meta.url), "utf8");
const beforeMessageDelta = recordedStream.slice(0, recordedStream.indexOf("event: message_delta"));

runAdapterConformanceSuite({
  format: "anthropic-messages",
  createAdapter: createAnthropicMessagesAdapter,
  success: {
    response: fixture("message-text-200"),
    expected: {
      model: "claude-sonnet-4-5-20250929",
      message: {
        role: "assistant",
        content:
          "Exponential backoff waits longer after each failed attempt, so a struggling service gets room to recover instead of a flood of retries.",
      },
      finishReason: "stop",
      usage: { inputTokens: 1045, outputTokens: 31, cachedInputTokens: 1024 },
      providerResponseId: "msg_01XFDUDYJgAACzvnptvVoYEL",
      // observedAtMs is the clock at the call; the budget itself is the recorded headers'.
      rateLimit: expect.objectContaining({
        requests: { limit: 4000, remaining: 3999, resetAtMs: Date.parse("2026-11-25T12:00:01Z") },
        inputTokens: { limit: 2_000_000, remaining: 1_998_000, resetAtMs: Date.parse("2026-11-25T12:00:01Z") },
      }),
    },
  },
  errors: [
    {
      name: "429 rate_limit_error with retry-after",
      response: fixture("rate-limit-error-429"),
      expected: { kind: "rate_limited", retryable: true, retryAfterMs: 17_000 },
    },
    {
      name: "429 enforced_spend_limit_reached",
      response: fixture("spend-limit-reached-429"),
      expected: { kind: "quota_exhausted", retryable: false },
    },
    { name: "402 billing_error", response: fixture("billing-error-402"), expected: { kind: "quota_exhausted", retryable: false } },
    { name: "413 request_too_large", response: fixture("request-too-large-413"), expected: { kind: "context_length", retryable: false } },
    {
      name: "400 invalid_request_error (prompt too long)",
      response: fixture("invalid-request-error-400"),
      expected: { kind: "context_length", retryable: false },
    },
    {
      name: "400 invalid_request_error (a bad parameter)",
      response: fixture("invalid-request-error-400-bad-parameter"),
      expected: { kind: "bad_request", retryable: false },
    },
    { name: "401 authentication_error", response: fixture("authentication-error-401"), expected: { kind: "auth", retryable: false } },
    { name: "403 permission_error", response: fixture("permission-error-403"), expected: { kind: "auth", retryable: false } },
    { name: "404 not_found_error", response: fixture("not-found-error-404"), expected: { kind: "not_found", retryable: false } },
    { name: "500 api_error", response: fixture("api-error-500"), expected: { kind: "server", retryable: true } },
    { name: "529 overloaded_error", response: fixture("overloaded-error-529"), expected: { kind: "overloaded", retryable: true } },
  ],
});

const anthropicDeployment = (baseUrl: string) =>
  testDeployment({ baseUrl, provider: "anthropic", format: "anthropic-messages", model: "claude-sonnet-4-5", defaultMaxOutputTokens: 321 });

describe("anthropic-messages adapter on the wire", () => {
  let server: FixtureServer;
  let adapter: ProviderAdapter;

  beforeAll(async () => {
    server = await startFixtureServer();
    adapter = createAnthropicMessagesAdapter();
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.respondWith(fixture("message-tool-use-200"));
  });

  it("posts Anthropic's body to <baseUrl>/messages with x-api-key and anthropic-version", async () => {
    const result = await adapter.chat({
      deployment: anthropicDeployment(`${server.url}/v1/`),
      apiKey: "sk-ant-test",
      request: { ...TEST_REQUEST, model: "ignored-hint", temperature: 0.2, tenant: "acme" },
    });
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: "POST", path: "/v1/messages" });
    expect(sent?.headers).toMatchObject({ "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01", "content-type": "application/json" });
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent?.bodyText ?? "")).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 321,
      system: "You are terse.",
      messages: [{ role: "user", content: "Explain exponential backoff in one sentence." }],
      temperature: 0.2,
    });
    expect(result).toMatchObject({ finishReason: "tool_calls", message: { tool_calls: [{ id: "toolu_01A09q90qw90lq917835lq9" }] } });
  });

  it("sends no x-api-key without a key", async () => {
    await adapter.chat({ deployment: anthropicDeployment(`${server.url}/v1`), request: TEST_REQUEST });
    expect(server.requests[0]?.headers["x-api-key"]).toBeUndefined();
  });

  it("fails a request Anthropic cannot express before sending it", async () => {
    const error = await expectProviderError(
      adapter.chat({ deployment: anthropicDeployment(`${server.url}/v1`), request: { ...TEST_REQUEST, temperature: 1.5 } }),
    );
    expect(error.data).toMatchObject({ kind: "bad_request", retryable: false, provider: "anthropic", deploymentId: "test-deployment" });
    expect(server.requests).toHaveLength(0);
  });
});

/** How the streaming server answers the next request. */
type StreamBehaviour =
  | { kind: "events"; status?: number; headers?: Record<string, string>; body: string; delayMs?: number }
  /** Send `body`, then reset the connection. */
  | { kind: "reset"; body: string };

interface StreamServer {
  url: string;
  behave(behaviour: StreamBehaviour): void;
  readonly requests: Array<{ headers: IncomingHttpHeaders; bodyText: string }>;
  /** Responses whose connection closed before they were fully sent. */
  readonly abandoned: number;
  close(): Promise<void>;
}

/** A real HTTP server that replays server-sent events one by one, as Anthropic's stream arrives. */
async function startStreamServer(): Promise<StreamServer> {
  let behaviour: StreamBehaviour = { kind: "events", body: "" };
  const requests: StreamServer["requests"] = [];
  let abandoned = 0;

  async function replay(response: ServerResponse, body: string, delayMs: number): Promise<boolean> {
    for (const event of body.split(/(?<=\n\n)/)) {
      if (response.destroyed) return false;
      response.write(event);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    return !response.destroyed;
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({ headers: request.headers, bodyText: Buffer.concat(chunks).toString("utf8") });
      const current = behaviour;
      response.on("close", () => {
        if (!response.writableFinished) abandoned++;
      });
      if (current.kind === "reset") {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(current.body, () => setTimeout(() => response.socket?.destroy(), 20));
        return;
      }
      response.writeHead(current.status ?? 200, { "content-type": "text/event-stream", ...current.headers });
      void replay(response, current.body, current.delayMs ?? 0).then((complete) => complete && response.end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    behave(next) {
      behaviour = next;
    },
    requests,
    get abandoned() {
      return abandoned;
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

describe("anthropic-messages adapter streaming", () => {
  let server: StreamServer;
  let adapter: ProviderAdapter;
  const stream = (request = TEST_REQUEST) => adapter.stream!({ deployment: anthropicDeployment(`${server.url}/v1`), apiKey: "sk-ant-test", request });

  async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
    const collected: ChatStreamEvent[] = [];
    for await (const event of events) collected.push(event);
    return collected;
  }

  beforeAll(async () => {
    server = await startStreamServer();
    adapter = createAnthropicMessagesAdapter();
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("streams the recorded text + tool_use answer, event by event", async () => {
    server.behave({ kind: "events", body: recordedStream, delayMs: 2 });
    const events = await collect(stream());
    expect(events[0]).toEqual({ type: "start", model: "claude-sonnet-4-20250514", providerResponseId: "msg_019Q1hrJbZG26Fb9BQhrkHEr" });
    const text = events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");
    const toolArguments = events.flatMap((event) => (event.type === "tool-call-delta" ? [event.argumentsDelta] : [])).join("");
    expect(text).toBe("I'll check the current weather in Paris for you.");
    expect(JSON.parse(toolArguments)).toEqual({ location: "Paris" });
    expect(events.at(-1)).toEqual({ type: "finish", finishReason: "tool_calls", usage: { inputTokens: 377, outputTokens: 65, cachedInputTokens: 0 } });

    const [sent] = server.requests;
    expect(sent?.headers).toMatchObject({ accept: "text/event-stream", "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test" });
    expect(JSON.parse(sent?.bodyText ?? "")).toMatchObject({ stream: true, model: "claude-sonnet-4-5" });
  });

  it("throws a mid-stream overloaded_error as overloaded, after the events before it", async () => {
    server.behave({
      kind: "events",
      headers: { "anthropic-ratelimit-requests-remaining": "7" },
      body: `${beforeMessageDelta}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`,
    });
    const received: ChatStreamEvent[] = [];
    const error = await expectProviderError(
      (async () => {
        for await (const event of stream()) received.push(event);
      })(),
    );
    expect(received.map((event) => event.type)).toEqual(["start", "text-delta", "text-delta", ...Array(5).fill("tool-call-delta")]);
    expect(error.data).toMatchObject({ kind: "overloaded", retryable: true, rateLimit: { requests: { remaining: 7 } } });
    expect(error.data.httpStatus).toBeUndefined();
  });

  it("reports a stream the server ends before message_stop as invalid_response, never as a success", async () => {
    server.behave({ kind: "events", body: beforeMessageDelta });
    const error = await expectProviderError(collect(stream()));
    expect(error.data).toMatchObject({ kind: "invalid_response", retryable: true });
  });

  it("reports a connection lost mid-stream as network", async () => {
    server.behave({ kind: "reset", body: beforeMessageDelta });
    const error = await expectProviderError(collect(stream()));
    expect(error.data).toMatchObject({ kind: "network", retryable: true });
  });

  it("rejects a non-2xx answer on the first event, like chat", async () => {
    const recorded = fixture("overloaded-error-529");
    server.behave({ kind: "events", status: 529, headers: { "content-type": "application/json" }, body: JSON.stringify(recorded.body) });
    const error = await expectProviderError(stream()[Symbol.asyncIterator]().next());
    expect(error.data).toMatchObject({ kind: "overloaded", httpStatus: 529, bodyExcerpt: JSON.stringify(recorded.body) });
  });

  it("fails a request Anthropic cannot express on the first event, without sending it", async () => {
    const error = await expectProviderError(collect(stream({ ...TEST_REQUEST, temperature: 2 })));
    expect(error.kind).toBe("bad_request");
    expect(server.requests).toHaveLength(0);
  });

  it("releases the connection when the consumer stops early, and keeps working", async () => {
    server.behave({ kind: "events", body: recordedStream, delayMs: 20 });
    for await (const event of stream()) {
      if (event.type === "text-delta") break;
    }
    await expect.poll(() => server.abandoned).toBeGreaterThanOrEqual(1);
    server.behave({ kind: "events", body: recordedStream });
    expect((await collect(stream())).at(-1)).toMatchObject({ type: "finish" });
  });
});
