import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { hopJobId, newRequestId } from "@switchyard/contracts";
import { createRedis } from "../redis-connection.js";
import { keyNames } from "../key-names.js";
import { QueueRegistry } from "../queue-registry.js";
import { RequestStore } from "../request-store.js";
import { CancelNoticeSubscriber } from "./cancel-notices.js";
import { RequestCanceller } from "./request-canceller.js";
import { standardClassification } from "../classification.test-support.js";


describe("RequestCanceller", () => {
  let redis: Redis;
  let subscriber: Redis;
  let store: RequestStore;
  let queues: QueueRegistry;
  let canceller: RequestCanceller;
  let notices: CancelNoticeSubscriber;
  const heard: string[] = [];
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(async () => {
    redis = createRedis(inject("redisUrl"), "worker");
    subscriber = createRedis(inject("redisUrl"), "worker");
    store = new RequestStore(redis, prefix, 60);
    queues = new QueueRegistry(redis, { prefix, keepCompletedCount: 10, keepFailedAgeSeconds: 60 });
    canceller = new RequestCanceller({ redis, store, queues, prefix, deploymentIds: ["alpha", "beta"] });
    notices = new CancelNoticeSubscriber(subscriber, keyNames(prefix).cancelNotices());
    await notices.start((id) => heard.push(id));
  });
  afterAll(async () => {
    notices.close();
    await queues.close();
    await redis.quit();
  });

  async function accepted(): Promise<string> {
    const id = newRequestId(Date.now());
    await store.create({ id, tenant: "acme", tier: "standard", clientFormat: "openai", classification: standardClassification, request: { messages: [{ role: "user", content: "hi" }] } });
    return id;
  }

  it("cancels a queued request once: the record, the outbox, the notice, and its waiting tier job", async () => {
    const id = await accepted();
    await queues.tier("standard").add("request", { requestId: id }, { jobId: id });
    const result = await canceller.cancel(id, "changed my mind");
    expect(result).toMatchObject({ outcome: "cancelled", record: { status: "cancelled", error: { code: "cancelled", message: "changed my mind" } } });
    expect(result.outcome === "cancelled" && result.removedJobs).toEqual([{ queue: "tier.standard", jobId: id }]);
    expect(await queues.tier("standard").getJob(id)).toBeUndefined();
    const outbox = await redis.xrange(keyNames(prefix).outbox(), "-", "+");
    expect(outbox.some(([, fields]) => fields.includes(id) && fields.includes("cancelled"))).toBe(true);
    await expect.poll(() => heard).toContain(id);

    expect(await canceller.cancel(id, "again")).toEqual({ outcome: "already_terminal", status: "cancelled" });
  });

  it("removes a delayed fallback job of a dispatched request, wherever the deployment", async () => {
    const id = await accepted();
    await store.update(id, { status: "dispatched", deploymentId: "alpha", hop: { n: 1, stage: "dispatch", queue: "tier.standard", jobId: id, attempt: 1, outcome: "ok", startedAtMs: 1, durationMs: 1 } });
    await queues.deployment("beta").add("call", { requestId: id }, { jobId: hopJobId(id, 2), delay: 60_000 });
    const result = await canceller.cancel(id, "stop");
    expect(result.outcome === "cancelled" && result.removedJobs).toEqual([{ queue: "deployment.beta", jobId: hopJobId(id, 2) }]);
    expect(await queues.deployment("beta").getJob(hopJobId(id, 2))).toBeUndefined();
  });

  it("leaves a finished request as it is and says so", async () => {
    const id = await accepted();
    await store.finish(id, { status: "failed", error: { code: "bad_request", message: "no" } });
    expect(await canceller.cancel(id, "late")).toEqual({ outcome: "already_terminal", status: "failed" });
    expect(await canceller.cancel(newRequestId(Date.now()), "who")).toEqual({ outcome: "missing" });
  });
});
