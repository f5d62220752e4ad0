import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "../redis-connection.js";
import { OutboxGroupReader, compareStreamIds } from "./outbox-group-reader.js";

describe("OutboxGroupReader", () => {
  let redis: Redis;
  const stream = `{t${randomBytes(4).toString("hex")}}:events:outbox`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
  });
  afterAll(() => redis.quit());

  const add = (id: string, status = "succeeded") => redis.xadd(stream, "*", "id", id, "status", status, "tenant", "acme", "atMs", "1");

  it("reads new entries once, keeps unacknowledged ones pending, and lets another consumer reclaim them", async () => {
    const webhooks = new OutboxGroupReader(redis, stream, "webhooks", "a");
    await webhooks.ensureGroup();
    await webhooks.ensureGroup(); // idempotent
    await add("req_1");
    await add("req_2", "failed");
    const first = await webhooks.readNew(10, 100);
    expect(first.map(({ requestId, status, tenant }) => ({ requestId, status, tenant }))).toEqual([
      { requestId: "req_1", status: "succeeded", tenant: "acme" },
      { requestId: "req_2", status: "failed", tenant: "acme" },
    ]);
    expect(await webhooks.readNew(10, 50)).toEqual([]);
    await webhooks.ack([first[0]!.entryId]);
    // "a" died holding req_2: "b" takes it over once it has been idle long enough.
    const survivor = new OutboxGroupReader(redis, stream, "webhooks", "b");
    expect(await survivor.reclaim(60_000, 10)).toEqual([]);
    const reclaimed = await survivor.reclaim(0, 10);
    expect(reclaimed.map((entry) => entry.requestId)).toEqual(["req_2"]);
    await survivor.ack(reclaimed.map((entry) => entry.entryId));
  });

  it("trims only what every group is done with", async () => {
    const webhooks = new OutboxGroupReader(redis, stream, "webhooks", "a");
    const budget = new OutboxGroupReader(redis, stream, "budget", "x");
    await budget.ensureGroup();
    const ids = [await add("req_3"), await add("req_4"), await add("req_5")];
    // webhooks reads and acknowledges everything; budget reads but acknowledges nothing.
    const read = await webhooks.readNew(10, 100);
    await webhooks.ack(read.map((entry) => entry.entryId));
    await budget.readNew(10, 100);
    // budget still has all three pending: nothing from the first of them on may go.
    expect(await webhooks.neededFloor()).toBe(ids[0]);
    await webhooks.trimAcknowledged();
    const left = (await redis.xrange(stream, "-", "+")).map(([id]) => id);
    for (const id of ids) expect(left).toContain(id);
    // Once budget acknowledges, the floor is the last entry delivered (kept: MINID keeps the floor itself).
    await budget.ack(ids as string[]);
    expect(await webhooks.neededFloor()).toBe(ids[2]);
    await webhooks.trimAcknowledged();
    expect((await redis.xrange(stream, "-", "+")).map(([id]) => id)).toContain(ids[2]);
  });

  it("reads the cost and the webhook URL an entry carries, and leaves them out when it carries none", async () => {
    const reader = new OutboxGroupReader(redis, stream, "carried", "a");
    await reader.ensureGroup();
    await redis.xadd(stream, "*", "id", "req_6", "status", "succeeded", "tenant", "acme", "atMs", "7", "costUsd", "0.0125", "webhookUrl", "https://hooks.example.com/a");
    await add("req_7", "failed");
    const read = await reader.readNew(10, 100);
    await reader.ack(read.map((entry) => entry.entryId));
    // Strict: a field the entry lacks is absent, not present as undefined.
    expect(read.map(({ entryId: _entryId, ...entry }) => entry)).toStrictEqual([
      { requestId: "req_6", status: "succeeded", tenant: "acme", atMs: 7, costUsd: 0.0125, webhookUrl: "https://hooks.example.com/a" },
      { requestId: "req_7", status: "failed", tenant: "acme", atMs: 1 },
    ]);
  });

  it("compares stream ids numerically", () => {
    expect(compareStreamIds("9-0", "10-0")).toBe(-1);
    expect(compareStreamIds("10-2", "10-10")).toBe(-1);
    expect(compareStreamIds("10-1", "10-1")).toBe(0);
  });
});
