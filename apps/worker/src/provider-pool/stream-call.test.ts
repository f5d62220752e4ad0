import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { deploymentSchema } from "@switchyard/config";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import type { ProviderAdapter } from "@switchyard/providers";
import { BlockingConnectionPool, createRedis, RequestStreams } from "@switchyard/queue";
import { streamCall } from "./stream-call.js";

const deployment = deploymentSchema.parse({
  id: "d1",
  provider: "openai",
  format: "openai-chat",
  model: "gpt-4.1",
  baseUrl: "http://127.0.0.1:9",
  pricePer1kInputUsd: 0,
  pricePer1kOutputUsd: 0,
  contextWindowTokens: 1000,
  typicalLatencyMs: 1,
  quality: { general: 1 },
});
const usage = { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 };
const brokenPipe = new ProviderError({ kind: "network", message: "socket closed", provider: "openai", deploymentId: "d1" });

/** An in-process adapter that streams the given events, then throws `error` if given (a provider, not Redis). */
function scriptedAdapter(events: ChatStreamEvent[], error?: ProviderError): ProviderAdapter {
  return {
    format: "openai-chat",
    chat: () => Promise.reject(new Error("not used")),
    async *stream() {
      for (const event of events) yield event;
      if (error) throw error;
    },
    close: () => Promise.resolve(),
  };
}

describe("streamCall", () => {
  let redis: Redis;
  let pool: BlockingConnectionPool;
  let streams: RequestStreams;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    pool = new BlockingConnectionPool(() => createRedis(inject("redisUrl"), "producer"), { maxIdle: 1, connectTimeoutMs: 2_000 });
    streams = new RequestStreams(redis, prefix, pool);
  });
  afterAll(async () => {
    await pool.close();
    await redis.quit();
  });

  async function entries(id: string) {
    const reader = await streams.reader(id);
    try {
      return await reader.read();
    } finally {
      reader.close();
    }
  }

  const call = (adapter: ProviderAdapter, id: string) =>
    streamCall(adapter, { deployment, request: { messages: [{ role: "user", content: "hi" }] } }, streams.writer(id), { hop: 2, deploymentId: "d1" });

  it("writes start and content marked with the hop, never finish, and returns the assembled result", async () => {
    const outcome = await call(
      scriptedAdapter([
        { type: "start", model: "gpt-4.1" },
        { type: "text-delta", text: "Hel" },
        { type: "text-delta", text: "lo" },
        { type: "finish", finishReason: "stop", usage },
      ]),
      "s1",
    );
    expect(outcome).toMatchObject({ kind: "succeeded", result: { message: { content: "Hello" }, finishReason: "stop" } });
    await streams.writer("s1").flush();
    expect(await entries("s1")).toEqual([
      { kind: "event", hop: 2, deploymentId: "d1", event: { type: "start", model: "gpt-4.1" } },
      { kind: "event", hop: 2, deploymentId: "d1", event: { type: "text-delta", text: "Hel" } },
      { kind: "event", hop: 2, deploymentId: "d1", event: { type: "text-delta", text: "lo" } },
    ]);
  });

  it("writes nothing when the call fails before its first content, so the cascade may fall back", async () => {
    const outcome = await call(scriptedAdapter([{ type: "start", model: "gpt-4.1" }], brokenPipe), "s2");
    expect(outcome).toEqual({ kind: "failed", error: brokenPipe, began: false });
    expect(await streams.length("s2")).toBe(0);
  });

  it("says the stream began when it fails after content", async () => {
    const outcome = await call(scriptedAdapter([{ type: "start", model: "gpt-4.1" }, { type: "text-delta", text: "par" }], brokenPipe), "s3");
    expect(outcome).toEqual({ kind: "failed", error: brokenPipe, began: true });
    expect(await streams.length("s3")).toBe(2);
  });
});
