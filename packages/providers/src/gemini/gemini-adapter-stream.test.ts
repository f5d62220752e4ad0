import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import { createGeminiAdapter } from "./gemini-adapter.js";
import { testDeployment, TEST_REQUEST } from "../conformance/test-deployment.js";
import type { ProviderAdapter } from "../provider-adapter.js";

const textStream = readFileSync(new URL("./__fixtures__/stream-text-200.sse", import.meta.url));
const functionCallStream = readFileSync(new URL("./__fixtures__/stream-function-call-200.sse", import.meta.url));
const rateLimited = readFileSync(new URL("./__fixtures__/resource-exhausted-429.json", import.meta.url), "utf8");

/** How the replaying server answers the next request. */
type Replay = {
  status?: number;
  contentType?: string;
  body: Uint8Array | string;
  /** Write the body in pieces of this many bytes, yielding to the event loop between them. */
  chunkBytes?: number;
  /** Stop after this many bytes: end the response cleanly, destroy the socket, or go silent. */
  cutAfterBytes?: number;
  cut?: "end" | "reset" | "stall";
};

describe("gemini adapter streaming", () => {
  let server: Server;
  let baseUrl: string;
  let adapter: ProviderAdapter;
  let replay: Replay;
  const requests: Array<{ path: string; headers: IncomingHttpHeaders; bodyText: string }> = [];
  /** Responses whose connection closed before the server finished writing them. */
  let abandonedResponses = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", async () => {
        requests.push({ path: request.url ?? "", headers: request.headers, bodyText: Buffer.concat(chunks).toString("utf8") });
        response.on("close", () => {
          if (!response.writableFinished) abandonedResponses++;
        });
        const body = typeof replay.body === "string" ? Buffer.from(replay.body) : Buffer.from(replay.body);
        const end = Math.min(body.length, replay.cutAfterBytes ?? body.length);
        response.writeHead(replay.status ?? 200, { "content-type": replay.contentType ?? "text/event-stream" });
        const step = replay.chunkBytes ?? end;
        for (let offset = 0; offset < end && !response.destroyed; offset += step) {
          response.write(body.subarray(offset, Math.min(end, offset + step)));
          await sleep(0);
        }
        if (replay.cut === "reset") response.socket?.destroy();
        else if (replay.cut !== "stall") response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1beta`;
    adapter = createGeminiAdapter();
  });
  afterAll(async () => {
    await adapter.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    requests.length = 0;
    replay = { body: textStream };
  });

  const deployment = () => testDeployment({ baseUrl, provider: "gemini", format: "gemini", id: "gemini-2-5-flash", model: "gemini-2.5-flash" });

  async function run(target: ProviderAdapter = adapter): Promise<{ events: ChatStreamEvent[]; error?: ProviderError }> {
    const events: ChatStreamEvent[] = [];
    try {
      for await (const event of target.stream!({ deployment: deployment(), request: TEST_REQUEST, apiKey: "AIza-test" })) events.push(event);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { events, error };
    }
    return { events };
  }

  const textEvents: ChatStreamEvent[] = [
    { type: "start", model: "gemini-2.5-flash", providerResponseId: "mIU0aMq5Dt2ZxN8PjuClkQ4" },
    { type: "text-delta", text: "Exponential backoff waits longer" },
    { type: "text-delta", text: " after each failed attempt, so a struggling" },
    { type: "text-delta", text: " service gets room to recover — naïvely retrying at once only adds load." },
    { type: "finish", finishReason: "stop", usage: { inputTokens: 14, outputTokens: 30 + 287, cachedInputTokens: 0 } },
  ];

  it("streams the recorded answer from <baseUrl>/models/<model>:streamGenerateContent?alt=sse", async () => {
    expect(await run()).toEqual({ events: textEvents });
    const [sent] = requests;
    expect(sent?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(sent?.headers).toMatchObject({ accept: "text/event-stream", "x-goog-api-key": "AIza-test" });
    expect(JSON.parse(sent?.bodyText ?? "").contents).toEqual([{ role: "user", parts: [{ text: "Explain exponential backoff in one sentence." }] }]);
  });

  it("reads the same events when the body arrives a few bytes at a time", async () => {
    replay = { body: textStream, chunkBytes: 7 };
    expect(await run()).toEqual({ events: textEvents });
  });

  it("streams function calls whole, one delta each, and finishes with tool_calls", async () => {
    replay = { body: functionCallStream };
    expect(await run()).toEqual({
      events: [
        { type: "start", model: "gemini-2.5-flash", providerResponseId: "r4U0aL2dGMSlxN8PmcCJ8Q0" },
        {
          type: "tool-call-delta",
          index: 0,
          id: "call_r4U0aL2dGMSlxN8PmcCJ8Q0_0",
          name: "get_current_weather",
          argumentsDelta: '{"location":"Boston, MA","unit":"celsius"}',
        },
        { type: "tool-call-delta", index: 1, id: "call_r4U0aL2dGMSlxN8PmcCJ8Q0_1", name: "get_current_time", argumentsDelta: '{"timezone":"America/New_York"}' },
        { type: "finish", finishReason: "tool_calls", usage: { inputTokens: 98, outputTokens: 31 + 58, cachedInputTokens: 0 } },
      ],
    });
  });

  it.each([
    ["after a whole event", () => textStream.indexOf("\r\n\r\n") + 4],
    ["in the middle of an event", () => textStream.indexOf("\r\n\r\n") + 40],
    ["in the middle of the last event", () => textStream.length - 10],
  ])("reports a stream that ends %s without a finishReason as invalid_response", async (_, cutAfterBytes) => {
    replay = { body: textStream, cutAfterBytes: cutAfterBytes(), cut: "end" };
    const { events, error } = await run();
    expect(error?.data).toMatchObject({ kind: "invalid_response", retryable: true, provider: "gemini", message: "gemini stream ended without a finishReason" });
    expect(events[0]?.type).toBe("start");
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("reports a connection reset mid-stream as network", async () => {
    replay = { body: textStream, cutAfterBytes: textStream.indexOf("\r\n\r\n") + 40, cut: "reset" };
    const { events, error } = await run();
    expect(error?.data).toMatchObject({ kind: "network", retryable: true });
    expect(events.map((event) => event.type)).toEqual(["start", "text-delta"]);
  });

  it("reports a stream that goes silent as timeout", async () => {
    replay = { body: textStream, cutAfterBytes: textStream.indexOf("\r\n\r\n") + 4, cut: "stall" };
    const impatient = createGeminiAdapter({ bodyTimeoutMs: 100 });
    try {
      const { events, error } = await run(impatient);
      expect(error?.kind).toBe("timeout");
      expect(events.map((event) => event.type)).toEqual(["start", "text-delta"]);
    } finally {
      await impatient.close();
    }
  });

  it("rejects before the first event when Gemini answers with an error status", async () => {
    replay = { status: 429, contentType: "application/json", body: JSON.stringify(JSON.parse(rateLimited).body) };
    const { events, error } = await run();
    expect(events).toEqual([]);
    expect(error?.data).toMatchObject({ kind: "rate_limited", httpStatus: 429, retryAfterMs: 46_000 });
  });

  it("reports an error event inside the stream by its status", async () => {
    const errorEvent = `data: ${JSON.stringify({ error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } })}\r\n\r\n`;
    replay = { body: Buffer.concat([textStream.subarray(0, textStream.indexOf("\r\n\r\n") + 4), Buffer.from(errorEvent)]) };
    const { events, error } = await run();
    expect(events.map((event) => event.type)).toEqual(["start", "text-delta"]);
    expect(error?.data).toMatchObject({ kind: "overloaded", retryable: true });
    expect(error?.data.httpStatus).toBeUndefined();
  });

  it("reports a blocked prompt as content_filtered and a chunk that is not JSON as invalid_response", async () => {
    replay = { body: `data: ${JSON.stringify({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 9 } })}\r\n\r\n` };
    expect((await run()).error?.data).toMatchObject({ kind: "content_filtered", message: "gemini blocked the prompt (PROHIBITED_CONTENT)" });
    replay = { body: "data: <html>\r\n\r\n" };
    expect((await run()).error?.data).toMatchObject({ kind: "invalid_response", bodyExcerpt: "<html>" });
  });

  it("closes the connection when the consumer stops early, and keeps working", async () => {
    // The server sends one event and then holds the stream open: only the client can end it.
    replay = { body: textStream, cutAfterBytes: textStream.indexOf("\r\n\r\n") + 4, cut: "stall" };
    const before = abandonedResponses;
    for await (const event of adapter.stream!({ deployment: deployment(), request: TEST_REQUEST })) {
      if (event.type === "text-delta") break;
    }
    await expect.poll(() => abandonedResponses).toBe(before + 1);
    replay = { body: textStream };
    expect(await run()).toEqual({ events: textEvents });
  });
});
