import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import { createOpenAiChatAdapter } from "./openai-chat-adapter.js";
import type { ProviderAdapter, ProviderCallOptions } from "../provider-adapter.js";
import { expectProviderError } from "../conformance/adapter-conformance.case.js";
import { unusedPort } from "../conformance/fixture-server.js";
import { TEST_REQUEST, testDeployment } from "../conformance/test-deployment.js";

const recorded = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const TEXT_STREAM = recorded("chat-stream.txt");
const TOOL_CALL_STREAM = recorded("chat-stream-tool-calls.txt");
const EXPECTED_TEXT = "Exponential backoff spaces retries further apart after each failure — so a struggling service gets room to recover.";

/** How the replay server answers one request: a head, body pieces written one per tick, then an ending. */
interface StreamScript {
  status?: number;
  headers?: Record<string, string>;
  pieces: Array<string | Uint8Array>;
  /** `end` the response (default), leave it open, or destroy the socket mid-body. */
  then?: "end" | "hang" | "reset";
}

interface ServedRequest {
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** Resolves when the response closes; `finished` is false when the client went away before its end. */
  closed: Promise<{ finished: boolean }>;
}

/**
 * A real HTTP server replaying recorded event streams piece by piece, with Nagle off and a tick between
 * writes, so that the client's reads fall on the pieces' odd boundaries rather than on whole events.
 */
async function startStreamServer() {
  let script: StreamScript = { pieces: [], then: "hang" };
  const requests: ServedRequest[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const closed = new Promise<{ finished: boolean }>((resolve) =>
        response.on("close", () => resolve({ finished: response.writableFinished })),
      );
      requests.push({ headers: request.headers, bodyText: Buffer.concat(chunks).toString("utf8"), closed });
      void play(script, response);
    });
  });
  server.on("connection", (socket) => {
    connections++;
    socket.setNoDelay(true);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    play(next: StreamScript) {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function play(script: StreamScript, response: ServerResponse): Promise<void> {
  response.writeHead(script.status ?? 200, { "content-type": "text/event-stream; charset=utf-8", ...script.headers });
  response.flushHeaders();
  for (const piece of script.pieces) {
    if (response.destroyed) return;
    response.write(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (script.then === "hang") return;
  if (script.then === "reset") response.socket?.destroy();
  else response.end();
}

const PIECE_SIZES = [1, 5, 17, 2, 61, 3, 11, 128, 7];

/** The text's bytes in pieces of awkward sizes: through multi-byte characters, `\r\n` pairs and JSON. */
function oddPieces(text: string): Uint8Array[] {
  const bytes = Buffer.from(text, "utf8");
  const pieces: Uint8Array[] = [];
  for (let start = 0, turn = 0; start < bytes.length; turn++) {
    const end = start + PIECE_SIZES[turn % PIECE_SIZES.length]!;
    pieces.push(bytes.subarray(start, end));
    start = end;
  }
  return pieces;
}

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const textOf = (events: ChatStreamEvent[]) => events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");

describe("openai-chat adapter streaming", () => {
  let server: Awaited<ReturnType<typeof startStreamServer>>;
  let adapter: ProviderAdapter;
  let stream: (options: ProviderCallOptions) => AsyncIterable<ChatStreamEvent>;
  const deployment = (overrides: Partial<DeploymentConfig> = {}) => testDeployment({ baseUrl: `${server.url}/v1`, ...overrides });
  const call = (overrides: Partial<ProviderCallOptions> = {}) => stream({ deployment: deployment(), request: TEST_REQUEST, ...overrides });

  beforeAll(async () => {
    server = await startStreamServer();
    adapter = createOpenAiChatAdapter();
    stream = adapter.stream!.bind(adapter);
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("asks for a stream with usage, as OpenAI expects it", async () => {
    server.play({ pieces: [TEXT_STREAM] });
    await collect(call({ apiKey: "sk-test", request: { ...TEST_REQUEST, tenant: "acme" } }));
    const [sent] = server.requests;
    expect(sent?.headers).toMatchObject({ accept: "text/event-stream", authorization: "Bearer sk-test", "content-type": "application/json" });
    expect(JSON.parse(sent?.bodyText ?? "")).toEqual({
      model: "gpt-4.1",
      messages: TEST_REQUEST.messages,
      max_tokens: 1024,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it.each([
    ["\\n", TEXT_STREAM],
    ["\\r\\n", TEXT_STREAM.replaceAll("\n", "\r\n")],
  ])("maps a recorded stream (%s line ends) split at odd byte boundaries", async (_lineEnds, text) => {
    server.play({ pieces: oddPieces(text) });
    const events = await collect(call());
    expect(events[0]).toEqual({ type: "start", model: "gpt-4.1-2025-04-14", providerResponseId: "chatcmpl-BXnQ4mRk8ZyTfJ2wVh6aP0sLdEcGu" });
    expect(textOf(events)).toBe(EXPECTED_TEXT);
    expect(events.at(-1)).toEqual({ type: "finish", finishReason: "stop", usage: { inputTokens: 1117, outputTokens: 21, cachedInputTokens: 1024 } });
  });

  it("maps a recorded tool-call stream", async () => {
    server.play({ pieces: oddPieces(TOOL_CALL_STREAM) });
    const events = await collect(call());
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    for (const event of events) {
      if (event.type !== "tool-call-delta") continue;
      const current = calls.get(event.index) ?? { arguments: "" };
      calls.set(event.index, { id: current.id ?? event.id, name: current.name ?? event.name, arguments: current.arguments + event.argumentsDelta });
    }
    expect([...calls.values()]).toEqual([
      { id: "call_Qm3RvX8tLk2YpN7wJd4HsE1a", name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: "call_Vb6NcT2pWq9KsR4mLx8HfA3d", name: "get_time", arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool_calls" });
  });

  it("sends nothing until the first next(), then rejects it as chat would on a 429, with the rate limit attached", async () => {
    server.play({
      status: 429,
      headers: {
        "content-type": "application/json",
        "retry-after-ms": "1500",
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1.5s",
      },
      pieces: [JSON.stringify({ error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } })],
    });
    const iterator = call()[Symbol.asyncIterator]();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests).toHaveLength(0);
    const error = await expectProviderError(iterator.next());
    expect(error.data).toMatchObject({
      kind: "rate_limited",
      httpStatus: 429,
      retryAfterMs: 1500,
      rateLimit: { requests: { limit: 500, remaining: 0, resetAtMs: expect.any(Number) }, retryAfterMs: 1500 },
    });
    expect(error.data.bodyExcerpt).toContain("rate_limit_exceeded");
  });

  it("maps other statuses before the stream as chat does", async () => {
    server.play({ status: 503, headers: { "content-type": "application/json" }, pieces: ['{"error":{"message":"overloaded"}}'] });
    expect((await expectProviderError(collect(call()))).data).toMatchObject({ kind: "overloaded", httpStatus: 503 });
  });

  it("reports a stream the server ends early as invalid_response, after the events that did arrive", async () => {
    const cut = TEXT_STREAM.indexOf(" struggling");
    server.play({ pieces: oddPieces(TEXT_STREAM.slice(0, cut)) });
    const events: ChatStreamEvent[] = [];
    const error = await expectProviderError(
      (async () => {
        for await (const event of call()) events.push(event);
      })(),
    );
    expect(error.data).toMatchObject({ kind: "invalid_response", retryable: true });
    expect(textOf(events).length).toBeGreaterThan(0);
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("reports a connection dropped mid-stream as network", async () => {
    server.play({ pieces: oddPieces(TEXT_STREAM.slice(0, 1500)), then: "reset" });
    expect((await expectProviderError(collect(call()))).data).toMatchObject({ kind: "network", retryable: true });
  });

  it("maps an error event inside the stream", async () => {
    const firstEvent = TEXT_STREAM.slice(0, TEXT_STREAM.indexOf("\n\n") + 2);
    server.play({
      pieces: [
        firstEvent,
        'data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}\n\n',
      ],
    });
    const error = await expectProviderError(collect(call()));
    expect(error.data).toMatchObject({ kind: "server", retryable: true, deploymentId: "test-deployment" });
  });

  it("releases the connection when the consumer stops early: the server sees it close", async () => {
    server.play({ pieces: [TEXT_STREAM.slice(0, 1200)], then: "hang" });
    for await (const event of call()) {
      if (event.type === "text-delta") break;
    }
    const outcome = await Promise.race([
      server.requests[0]!.closed,
      new Promise((resolve) => setTimeout(() => resolve("still open"), 2_000)),
    ]);
    expect(outcome).toEqual({ finished: false });

    // The pool is not poisoned: the next call gets a fresh connection and a whole answer.
    server.play({ pieces: [TEXT_STREAM] });
    expect(textOf(await collect(call()))).toBe(EXPECTED_TEXT);
  });

  it("keeps the connection for the next call after a complete stream", async () => {
    // Its own pool: undici's Agent closes an origin's pool when its last connection is destroyed (as the tests
    // that stop early do), and a call that lands on a closing pool gets a connection that is then let go.
    const isolated = createOpenAiChatAdapter();
    // undici hands a connection back to its pool a few ticks after the body ends; a call started sooner opens
    // a second one, which is also kept.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    const callIsolated = () => isolated.stream!({ deployment: deployment(), request: TEST_REQUEST });
    try {
      server.play({ pieces: oddPieces(TEXT_STREAM) });
      await collect(callIsolated());
      await settle();
      const connectionsBefore = server.connections;
      await collect(callIsolated());
      await settle();
      await collect(callIsolated());
      expect(server.connections).toBe(connectionsBefore);
    } finally {
      await isolated.close();
    }
  });

  it("ends a stream still running at deployment.timeoutMs with timeout", async () => {
    server.play({ pieces: [TEXT_STREAM.slice(0, 1200)], then: "hang" });
    const events: ChatStreamEvent[] = [];
    const startedAt = performance.now();
    const error = await expectProviderError(
      (async () => {
        for await (const event of call({ deployment: deployment({ timeoutMs: 300 }) })) events.push(event);
      })(),
    );
    expect(error.data).toMatchObject({ kind: "timeout", retryable: true });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(events[0]?.type).toBe("start");
    expect((await server.requests[0]!.closed).finished).toBe(false);
  });

  it("reports the caller's abort mid-stream as timeout, promptly", async () => {
    server.play({ pieces: [TEXT_STREAM.slice(0, 1200)], then: "hang" });
    const controller = new AbortController();
    const startedAt = performance.now();
    const error = await expectProviderError(
      (async () => {
        for await (const event of call({ signal: controller.signal })) if (event.type === "start") controller.abort();
      })(),
    );
    expect(error.kind).toBe("timeout");
    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });

  it("does not call the provider with an already-aborted signal", async () => {
    const error = await expectProviderError(collect(call({ signal: AbortSignal.abort() })));
    expect(error.kind).toBe("timeout");
    expect(server.requests).toHaveLength(0);
  });

  it("reports a refused connection as network on the first next()", async () => {
    const port = await unusedPort();
    const error = await expectProviderError(collect(call({ deployment: deployment({ baseUrl: `http://127.0.0.1:${port}/v1` }) })));
    expect(error.kind).toBe("network");
  });

  it("replays a whole JSON completion from a server that ignored stream: true", async () => {
    const completion = JSON.parse(readFileSync(new URL("./__fixtures__/chat-completion-tool-calls-200.json", import.meta.url), "utf8"));
    server.play({ headers: { "content-type": "application/json" }, pieces: [JSON.stringify(completion.body)] });
    const events = await collect(call());
    expect(events.map((event) => event.type)).toEqual(["start", "tool-call-delta", "tool-call-delta", "finish"]);
    expect(events[1]).toEqual({
      type: "tool-call-delta",
      index: 0,
      id: "call_Qm3RvX8tLk2YpN7wJd4HsE1a",
      name: "get_weather",
      argumentsDelta: '{"city":"Paris","unit":"celsius"}',
    });
    expect(events.at(-1)).toEqual({ type: "finish", finishReason: "tool_calls", usage: { inputTokens: 142, outputTokens: 48, cachedInputTokens: 0 } });
  });
});
