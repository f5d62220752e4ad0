import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import type { RequestStreamEntry } from "@switchyard/contracts";
import { createRedis } from "../redis-connection.js";
import { keyNames } from "../key-names.js";
import { BlockingConnectionPool } from "./blocking-connection-pool.js";
import { RequestStreams } from "./request-streams.js";

const start: RequestStreamEntry = { kind: "event", hop: 2, deploymentId: "d", event: { type: "start", model: "m" } };
const text: RequestStreamEntry = { kind: "event", hop: 2, deploymentId: "d", event: { type: "text-delta", text: "hi" } };
const done: RequestStreamEntry = {
  kind: "done",
  hop: 2,
  deploymentId: "d",
  finishReason: "stop",
  usage: { inputTokens: 3, outputTokens: 1, cachedInputTokens: 0 },
  costUsd: 0.5,
};

describe("RequestStreams", () => {
  let redis: Redis;
  let pool: BlockingConnectionPool;
  let streams: RequestStreams;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    pool = new BlockingConnectionPool(() => createRedis(inject("redisUrl"), "producer"), { maxIdle: 1, connectTimeoutMs: 2_000 });
    streams = new RequestStreams(redis, prefix, pool, { maxLength: 100, ttlSeconds: 30 });
  });
  afterAll(async () => {
    await pool.close();
    await redis.quit();
  });

  it("reads from the beginning what was written before the reader started, in order, and expires the stream", async () => {
    const writer = streams.writer("r1");
    writer.append(start);
    writer.append(text);
    await writer.flush();
    const reader = await streams.reader("r1");
    try {
      expect(await reader.read()).toEqual([start, text]);
      expect(await reader.read()).toEqual([]);
      writer.append(done);
      await writer.flush();
      expect(await reader.read(1_000)).toEqual([done]);
    } finally {
      reader.close();
    }
    expect(await streams.length("r1")).toBe(3);
    const ttl = await redis.ttl(keyNames(prefix).requestStream("r1"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it("wakes a blocked read at once, and a later append is still read", async () => {
    const reader = await streams.reader("r2");
    try {
      const startedAt = Date.now();
      const blocked = reader.read(10_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await reader.wake();
      expect(await blocked).toEqual([]);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      const writer = streams.writer("r2");
      writer.append(start);
      await writer.flush();
      expect(await reader.read(1_000)).toEqual([start]);
    } finally {
      reader.close();
    }
  });

  it("turns an entry it cannot vouch for into an error entry", async () => {
    await redis.xadd(keyNames(prefix).requestStream("r3"), "*", "e", JSON.stringify({ kind: "event", hop: 0 }));
    const reader = await streams.reader("r3");
    try {
      const [entry] = await reader.read();
      expect(entry).toMatchObject({ kind: "error", error: { code: "internal" } });
    } finally {
      reader.close();
    }
  });

  it("keeps an idle connection for the next reader, up to maxIdle", async () => {
    const first = await streams.reader("r4");
    const second = await streams.reader("r4");
    first.close();
    second.close();
    const clientIds = new Set<number>();
    const again = await pool.acquire();
    clientIds.add(again.clientId);
    pool.release(again);
    const once = await pool.acquire();
    clientIds.add(once.clientId);
    pool.release(once);
    // Both acquisitions got the one kept connection.
    expect(clientIds.size).toBe(1);
  });
});
