import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { newRequestId } from "@switchyard/contracts";
import { createLogger } from "@switchyard/logging";
import { createRedis, keyNames, RequestStore, TenantBudgets } from "@switchyard/queue";
import { BUDGET_CONSUMER_GROUP, startBudgetSettler, type RunningBudgetSettler } from "./budget-settler.js";
import { smallResult, standardClassification } from "../record-fixtures.test-support.js";


async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("budget settlement from the outbox", () => {
  let redis: Redis;
  let store: RequestStore;
  let budgets: TenantBudgets;
  let settler: RunningBudgetSettler;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  const logger = createLogger({ service: "test", destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

  beforeAll(async () => {
    redis = createRedis(inject("redisUrl"), "worker");
    store = new RequestStore(redis, prefix, 600);
    budgets = new TenantBudgets(redis, prefix);
    settler = startBudgetSettler({
      redis,
      blockingRedis: createRedis(inject("redisUrl"), "worker"),
      prefix,
      logger,
      now: Date.now,
      reclaimIdleMs: 200,
      housekeepingIntervalMs: 100,
    });
    await settler.ready;
  });
  afterAll(async () => {
    await settler?.close();
    await redis.quit();
  });

  async function accepted(tenant: string, estimateUsd: number): Promise<string> {
    const now = Date.now();
    const id = newRequestId(now);
    expect((await budgets.reserve(tenant, id, now, estimateUsd, 100)).granted).toBe(true);
    await store.create({ id, tenant, tier: "standard", clientFormat: "openai", classification: standardClassification, request: { messages: [{ role: "user", content: "hi" }] } });
    return id;
  }

  it("replaces a success's reservation with its cost and releases a failure's", async () => {
    const succeeded = await accepted("settle-a", 1);
    const failed = await accepted("settle-a", 2);
    await store.finish(succeeded, { status: "succeeded", result: smallResult, usage: smallResult.usage, costUsd: 0.00123, deploymentId: "d" });
    await store.finish(failed, { status: "failed", error: { code: "bad_request", message: "no" } });
    await until(async () => (await budgets.state("settle-a", Date.now())).reservedUsd === 0);
    expect(await budgets.state("settle-a", Date.now())).toMatchObject({ spentUsd: 0.00123, reservedUsd: 0 });
  });

  it("settles nothing twice when an entry is delivered again", async () => {
    const id = await accepted("settle-b", 1);
    await store.finish(id, { status: "succeeded", result: smallResult, usage: smallResult.usage, costUsd: 0.5, deploymentId: "d" });
    await until(async () => (await budgets.state("settle-b", Date.now())).reservedUsd === 0);
    // The same transition again, as a redelivery would bring it.
    await redis.xadd(keyNames(prefix).outbox(), "*", "id", id, "status", "succeeded", "tenant", "settle-b", "atMs", Date.now());
    const other = await accepted("settle-b", 1);
    await store.finish(other, { status: "cancelled", reason: "cancelled by its owner" });
    await until(async () => (await budgets.state("settle-b", Date.now())).reservedUsd === 0);
    expect((await budgets.state("settle-b", Date.now())).spentUsd).toBe(0.5);
  });

  it("settles from the cost the entry carries, and reads the record only for an entry without one", async () => {
    const outbox = keyNames(prefix).outbox();
    const reserved = async (id: string) => {
      const now = Date.now();
      expect((await budgets.reserve("settle-d", id, now, 1, 100)).granted).toBe(true);
      return now;
    };
    // The entry's cost is what counts: the record is not there to read (charging it would cost the reservation, 1).
    const carried = newRequestId(Date.now());
    const atMs = await reserved(carried);
    await redis.xadd(outbox, "*", "id", carried, "status", "succeeded", "tenant", "settle-d", "atMs", atMs, "costUsd", "0.25");
    // An entry written before entries carried the cost: the record's.
    const older = await accepted("settle-d", 1);
    await redis.hset(keyNames(prefix).request(older), "status", "succeeded", "costUsd", "0.5");
    await redis.xadd(outbox, "*", "id", older, "status", "succeeded", "tenant", "settle-d", "atMs", Date.now());
    // Such an entry whose record is gone: the reservation, the most it could have cost.
    const expired = newRequestId(Date.now());
    await redis.xadd(outbox, "*", "id", expired, "status", "succeeded", "tenant", "settle-d", "atMs", await reserved(expired));

    await until(async () => (await budgets.state("settle-d", Date.now())).reservedUsd === 0);
    expect((await budgets.state("settle-d", Date.now())).spentUsd).toBe(1.75);
  });

  it("takes over entries a consumer of the group read and died on", async () => {
    // Its own prefix and settlers, so that the dead consumer surely gets the entry first.
    const deadPrefix = `{t${randomBytes(4).toString("hex")}}`;
    const deadStore = new RequestStore(redis, deadPrefix, 600);
    const deadBudgets = new TenantBudgets(redis, deadPrefix);
    const settlerFor = () =>
      startBudgetSettler({ redis, blockingRedis: createRedis(inject("redisUrl"), "worker"), prefix: deadPrefix, logger, now: Date.now, reclaimIdleMs: 200, housekeepingIntervalMs: 100 });
    const first = settlerFor();
    await first.ready;
    await first.close();

    const now = Date.now();
    const id = newRequestId(now);
    await deadBudgets.reserve("settle-c", id, now, 1, 100);
    await deadStore.create({ id, tenant: "settle-c", tier: "standard", clientFormat: "openai", classification: standardClassification, request: { messages: [{ role: "user", content: "hi" }] } });
    await deadStore.finish(id, { status: "succeeded", result: smallResult, usage: smallResult.usage, costUsd: 0.25, deploymentId: "d" });
    const outbox = keyNames(deadPrefix).outbox();
    const reply = (await redis.xreadgroup("GROUP", BUDGET_CONSUMER_GROUP, "dead-consumer", "COUNT", 10, "STREAMS", outbox, ">")) as [string, unknown[]][];
    expect(reply[0]?.[1]).toHaveLength(1);
    expect(await redis.xpending(outbox, BUDGET_CONSUMER_GROUP, "-", "+", 10, "dead-consumer")).toHaveLength(1);

    const second = settlerFor();
    try {
      await until(async () => (await deadBudgets.state("settle-c", now)).reservedUsd === 0);
      expect((await deadBudgets.state("settle-c", now)).spentUsd).toBe(0.25);
      expect(await redis.xpending(outbox, BUDGET_CONSUMER_GROUP, "-", "+", 10, "dead-consumer")).toHaveLength(0);
    } finally {
      await second.close();
    }
  });
});
