import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { newRequestId, type Classification, type Hop } from "@switchyard/contracts";
import { createRedis } from "./redis-connection.js";
import { RequestStore } from "./request-store.js";
import { RequestEvents } from "./request-events.js";
import { standardClassification } from "./classification.test-support.js";


function hop(n: number, outcome: Hop["outcome"]): Hop {
  return { n, stage: "provider", queue: "deployment.x", jobId: `j${n}`, attempt: 1, outcome, startedAtMs: 1, durationMs: 2 };
}

describe("RequestStore", () => {
  let redis: Redis;
  let store: RequestStore;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    let clock = 1_000;
    store = new RequestStore(redis, prefix, 60, () => clock++);
  });
  afterAll(() => redis.quit());

  async function created() {
    const id = newRequestId(Date.now());
    await store.create({ id, tenant: "acme", tier: "standard", clientFormat: "anthropic", classification: standardClassification, request: { messages: [{ role: "user", content: "hi" }] } });
    return id;
  }

  it("creates a queued record with a TTL and reads it back", async () => {
    const id = await created();
    const record = await store.get(id);
    expect(record).toMatchObject({ id, status: "queued", tenant: "acme", tier: "standard", clientFormat: "anthropic", hops: [] });
    expect(await redis.ttl(`${prefix}:request:${id}`)).toBeGreaterThan(0);
    expect(await store.getRequestBody(id)).toEqual({ messages: [{ role: "user", content: "hi" }] });
  });

  it("writes each entry into queued_for_retry and the one terminal transition to the outbox", async () => {
    const id = await created();
    const outboxEntries = async () =>
      (await redis.xrange(`${prefix}:events:outbox`, "-", "+"))
        .map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])))
        .filter((entry) => entry.id === id)
        .map(({ status, tenant }) => ({ status, tenant }));
    await store.update(id, { status: "dispatched", hop: hop(1, "ok") });
    await store.update(id, { status: "queued_for_retry" });
    await store.update(id, { status: "queued_for_retry" }); // a re-run of the same step: no second event
    await store.update(id, { status: "dispatched" });
    await store.update(id, { status: "queued_for_retry" });
    await store.finish(id, { status: "failed", error: { code: "server", message: "boom" } });
    await store.finish(id, { status: "failed", error: { code: "server", message: "again" } });
    expect(await outboxEntries()).toEqual([
      { status: "queued_for_retry", tenant: "acme" },
      { status: "queued_for_retry", tenant: "acme" },
      { status: "failed", tenant: "acme" },
    ]);
  });

  it("puts the record's costUsd and webhookUrl in its outbox entries, when it has them", async () => {
    const entriesOf = async (id: string) =>
      (await redis.xrange(`${prefix}:events:outbox`, "-", "+"))
        .map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])))
        .filter((entry) => entry.id === id)
        .map(({ id: _id, atMs: _atMs, ...rest }) => rest);
    const usage = { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 };
    const succeeded = { status: "succeeded" as const, result: { model: "m", message: { role: "assistant" as const, content: "x" }, finishReason: "stop" as const, usage }, usage, costUsd: 0.0042, deploymentId: "d1" };

    const hooked = newRequestId(Date.now());
    const webhook = { url: "https://hooks.example.com/switchyard" };
    await store.create({ id: hooked, tenant: "acme", tier: "standard", clientFormat: "openai", classification: standardClassification, request: { messages: [{ role: "user", content: "hi" }], webhook } });
    await store.update(hooked, { status: "queued_for_retry" });
    // The cost is set by the same script that writes the entry.
    await store.finish(hooked, succeeded);
    expect(await entriesOf(hooked)).toEqual([
      { status: "queued_for_retry", tenant: "acme", webhookUrl: webhook.url },
      { status: "succeeded", tenant: "acme", costUsd: "0.0042", webhookUrl: webhook.url },
    ]);

    // Neither field when the record has neither.
    const plain = await created();
    await store.update(plain, { status: "queued_for_retry" });
    await store.finish(plain, { status: "cancelled", reason: "no longer needed" });
    expect(await entriesOf(plain)).toEqual([
      { status: "queued_for_retry", tenant: "acme" },
      { status: "cancelled", tenant: "acme" },
    ]);
  });

  it("records steps and reaches a terminal state exactly once", async () => {
    const id = await created();
    expect(await store.update(id, { status: "dispatched", deploymentId: "d1", hop: hop(1, "ok") })).toBe("applied");
    const first = await store.finish(id, { status: "failed", error: { code: "server", message: "boom" } }, hop(2, "error"));
    const second = await store.finish(
      id,
      { status: "succeeded", result: { model: "m", message: { role: "assistant", content: "x" }, finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 } }, usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 }, costUsd: 0.1, deploymentId: "d1" },
      hop(3, "ok"),
    );
    expect([first, second]).toEqual(["applied", "already_terminal"]);
    expect(await store.update(id, { status: "running" })).toBe("already_terminal");
    const record = await store.get(id);
    expect(record?.status).toBe("failed");
    expect(record?.error).toEqual({ code: "server", message: "boom" });
    expect(record?.hops.map((h) => h.n)).toEqual([1, 2]);
    expect(record?.deploymentId).toBe("d1");
    expect(record?.finishedAtMs).toBeDefined();
  });

  it("reports a missing record instead of creating one", async () => {
    expect(await store.update("req_missing", { status: "running" })).toBe("missing");
    expect(await store.finish("req_missing", { status: "failed", error: { code: "internal", message: "x" } })).toBe("missing");
    expect(await store.get("req_missing")).toBeUndefined();
  });

  it("announces terminal transitions to waiters", async () => {
    const events = new RequestEvents(createRedis(inject("redisUrl"), "worker"), store.eventsChannel);
    await events.start();
    const id = await created();
    const waiting = events.waitFor(id, 5_000);
    await store.finish(id, { status: "failed", error: { code: "internal", message: "x" } });
    expect(await waiting).toBe("failed");
    expect(await events.waitFor(id, 20)).toBeUndefined();
    await events.close();
  });
});
