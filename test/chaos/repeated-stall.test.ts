import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { redisOptionsFor } from "@switchyard/queue";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { auditRequests, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// A provider job whose worker dies three times in a row (a poison request that crashes it, or unlucky rolling
// kills). BullMQ allows `maxStalledCount` (2) recoveries; on the third stall it fails the job ("job stalled more than
// allowable limit") without running the processor again. Every pool listens for that (`failAbandonedJobs`, keyed
// on BullMQ's `deferredFailure`) and fails the request with `stalled`, so it still ends terminal, exactly once.
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
deployments:
  - { id: hanging-a, provider: openai, format: openai-chat, model: hanging-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 100,
      quality: { general: 0.9 }, limits: { concurrency: 4 } }
`;
const KILLS = 3;

describe("chaos: a job whose worker dies three times", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;
  let client: Redis;
  let requestId: string;

  beforeAll(async () => {
    redis = await startChaosRedis();
    // The call never answers in time, so each worker dies while it holds the job.
    fleet = await startFleet({ redisUrl: redis.url, workers: 1, config: CONFIG, simConfig: { latency: { kind: "fixed", ms: 120_000 } } });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
    client = new Redis(redis.url, redisOptionsFor("worker"));
  });
  afterAll(async () => {
    await events?.stop();
    client?.disconnect();
    await fleet?.stop();
    await redis?.stop();
  });

  it("is failed by BullMQ after its third stall", async () => {
    const submitted = await fleet.api.post("/v1/requests", { messages: [{ role: "user", content: "Summarise the delivery log." }] });
    expect(submitted.status).toBe(202);
    requestId = String(submitted.body.id);
    const jobId = `${requestId}-h2`;
    const queueKey = `${fleet.prefix}:deployment.hanging-a`;
    let lastLock: string | null = null;
    for (let kill = 0; kill < KILLS; kill++) {
      // Wait until a worker we have not killed yet holds the job (a new lock token), then kill that worker.
      const until = Date.now() + 30_000;
      for (;;) {
        const [active, lock] = await Promise.all([client.lrange(`${queueKey}:active`, 0, -1), client.get(`${queueKey}:${jobId}:lock`)]);
        if (active.includes(jobId) && lock !== null && lock !== lastLock) {
          lastLock = lock;
          break;
        }
        if (Date.now() > until) throw new Error(`job ${jobId} was not picked up again after kill ${kill}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await fleet.killWorker(0);
      await fleet.startWorker();
    }
    const until = Date.now() + 30_000;
    while ((await client.zscore(`${queueKey}:failed`, jobId)) === null && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
    const job = await client.hgetall(`${queueKey}:${jobId}`);
    expect(job.failedReason).toBe("job stalled more than allowable limit");
  });

  it("still ends the request terminal, exactly once, as stalled", async () => {
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids: [requestId], events, drainTimeoutMs: 3_000 });
    printCounts("job stalled three times", { ...audit.counts, recordStatus: audit.records.get(requestId)?.status });
    expect(audit.counts.lost).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    const record = (await fleet.api.get(`/v1/requests/${requestId}`)).body;
    expect(record).toMatchObject({ status: "failed", error: { code: "stalled" } });
  });
});
