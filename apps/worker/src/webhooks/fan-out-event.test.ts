import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import {
  AddressAllowlist,
  newRequestId,
  REQUEST_WEBHOOK_TARGET,
  WEBHOOK_DELIVERY_QUEUE,
  webhookDeliveryJobId,
  type WebhookDeliveryJobData,
  type WebhookPayload,
} from "@switchyard/contracts";
import { loadConfig } from "@switchyard/config";
import { createLogger } from "@switchyard/logging";
import {
  createRedis,
  keyNames,
  OutboxGroupReader,
  QueueRegistry,
  RequestStore,
  TenantSigningSecrets,
  WebhookEndpointStore,
  type OutboxEntry,
} from "@switchyard/queue";
import { fanOutEvent } from "./fan-out-event.js";
import { createGuardedAgent } from "./guarded-agent.js";
import type { WebhookDependencies } from "./webhook-dependencies.js";
import { smallResult, standardClassification } from "../record-fixtures.test-support.js";

const hookUrl = "https://hooks.example.com/switchyard";

describe("fanOutEvent", () => {
  let redis: Redis;
  let dependencies: WebhookDependencies;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    const config = loadConfig({ REDIS_URL: inject("redisUrl"), SWITCHYARD_REDIS_PREFIX: prefix });
    dependencies = {
      config,
      store: new RequestStore(redis, prefix, 600),
      endpoints: new WebhookEndpointStore(redis, prefix),
      secrets: new TenantSigningSecrets(redis, prefix),
      queues: new QueueRegistry(redis, { prefix, keepCompletedCount: 10, keepFailedAgeSeconds: 60 }),
      dispatcher: createGuardedAgent({ allowlist: new AddressAllowlist([]), connectTimeoutMs: 1_000 }),
      logger: createLogger({ service: "test", destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }),
      now: Date.now,
      random: Math.random,
    };
  });
  afterAll(async () => {
    await dependencies.queues.close();
    await dependencies.dispatcher.close();
    await redis.quit();
  });

  async function requestWebhookJob(entryId: string): Promise<WebhookDeliveryJobData | undefined> {
    const job = await dependencies.queues.byName(WEBHOOK_DELIVERY_QUEUE).getJob(webhookDeliveryJobId(`${entryId}-${REQUEST_WEBHOOK_TARGET}`, 0));
    return job?.data as WebhookDeliveryJobData | undefined;
  }

  it("delivers to the webhook URL the outbox entry carries, from a real transition", async () => {
    const id = newRequestId(Date.now());
    await dependencies.store.create({
      id,
      tenant: "fan-a",
      tier: "standard",
      clientFormat: "openai",
      classification: standardClassification,
      request: { messages: [{ role: "user", content: "hi" }], webhook: { url: hookUrl } },
    });
    await dependencies.store.finish(id, { status: "succeeded", result: smallResult, usage: smallResult.usage, costUsd: 0.01, deploymentId: "d" });
    const reader = new OutboxGroupReader(redis, keyNames(prefix).outbox(), "fan-out-test", "a");
    await reader.ensureGroup("0");
    const entry = (await reader.readNew(10, 100)).find((read) => read.requestId === id);
    expect(entry?.webhookUrl).toBe(hookUrl);

    expect(await fanOutEvent(dependencies, entry!)).toBe(1);
    const job = await requestWebhookJob(entry!.entryId);
    expect(job).toMatchObject({ target: REQUEST_WEBHOOK_TARGET, url: hookUrl, eventType: "request.succeeded", requestId: id, tenant: "fan-a" });
    expect((JSON.parse(job!.body) as WebhookPayload).data).toMatchObject({ id, status: "succeeded" });
  });

  it("takes the URL from the entry alone: it needs no record to find the target", async () => {
    // No record at all (past its retention): the entry still names the target, and the event what happened.
    const entry: OutboxEntry = { entryId: "1000-0", requestId: newRequestId(1_000), status: "failed", tenant: "fan-b", atMs: 1_000, webhookUrl: hookUrl };
    expect(await fanOutEvent(dependencies, entry)).toBe(1);
    const job = await requestWebhookJob(entry.entryId);
    expect(job).toMatchObject({ url: hookUrl, eventType: "request.failed" });
    expect((JSON.parse(job!.body) as WebhookPayload).data).toEqual({ object: "request", id: entry.requestId, status: "failed", tenant: "fan-b" });
  });

  it("adds nothing for an entry with no URL and a tenant without subscribed endpoints", async () => {
    const entry: OutboxEntry = { entryId: "2000-0", requestId: newRequestId(2_000), status: "cancelled", tenant: "fan-c", atMs: 2_000 };
    expect(await fanOutEvent(dependencies, entry)).toBe(0);
    expect(await requestWebhookJob(entry.entryId)).toBeUndefined();
  });
});
