import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { resilienceSchema } from "@switchyard/config";
import { CircuitBreakers, redisOptionsFor } from "@switchyard/queue";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { startLoad } from "../support/load-generator.js";
import { auditRequests, describeLost, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// Scenario 1: the primary deployment is hard down (its model answers 503 to every call) during 2,000 requests on
// two worker processes. Every request must succeed through its fallbacks, and the fleet-wide circuit must keep
// calls away from the dead model: it opens after `failureThreshold` failures, and while it is open nothing reaches
// the model but the calls already in flight when it opened; after each reset timeout exactly one probe goes through.
const WORKERS = 2;
const PRIMARY_CONCURRENCY = 4;
const BREAKER = { failureThreshold: 5, windowMs: 60_000, resetTimeoutMs: 1_500, probeLeaseMs: 10_000 };
const DEAD_MODEL = "dead-model";
const REQUESTS = 2_000;

const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 20, maxDelayMs: 100 }
  retryQueue: { baseDelayMs: 200, maxDelayMs: 1000, maxRounds: 5 }
  breaker: ${JSON.stringify(BREAKER)}
fallbacks:
  primary-a: [fallback-b, fallback-c]
deployments:
  # Best on quality, price and latency: the dispatcher ranks it first for every request while its circuit is closed.
  - { id: primary-a, provider: openai, format: openai-chat, model: ${DEAD_MODEL}, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.0001, pricePer1kOutputUsd: 0.0002, contextWindowTokens: 128000, typicalLatencyMs: 50,
      quality: { general: 0.95 }, limits: { concurrency: ${PRIMARY_CONCURRENCY} } }
  - { id: fallback-b, provider: anthropic, format: anthropic-messages, model: backup-b, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 100,
      quality: { general: 0.85 }, limits: { concurrency: 48 } }
  - { id: fallback-c, provider: gemini, format: gemini, model: backup-c, baseUrl: "\${PROVIDER_SIM_URL}/v1beta",
      pricePer1kInputUsd: 0.002, pricePer1kOutputUsd: 0.004, contextWindowTokens: 128000, typicalLatencyMs: 200,
      quality: { general: 0.8 }, limits: { concurrency: 48 } }
`;

interface Sample {
  atMs: number;
  deadCalls: number;
  state: string;
  openedTotal: number;
}

describe("chaos: primary deployment hard down", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;
  let client: Redis;

  beforeAll(async () => {
    redis = await startChaosRedis();
    fleet = await startFleet({
      redisUrl: redis.url,
      workers: WORKERS,
      config: CONFIG,
      simConfig: { latency: { kind: "uniform", minMs: 5, maxMs: 20 }, models: { [DEAD_MODEL]: { errorRate: 1, errorStatus: 503 } } },
    });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
    client = new Redis(redis.url, redisOptionsFor("worker"));
  });
  afterAll(async () => {
    await events?.stop();
    client?.disconnect();
    await fleet?.stop();
    await redis?.stop();
  });

  it("serves every request through fallbacks while the circuit keeps calls away from the dead model", async () => {
    const settings = resilienceSchema.parse({ breaker: BREAKER }).breaker;
    const breakers = new CircuitBreakers(client, fleet.prefix, settings);

    // The sim's count first, then the circuit: two samples that both read "open" in the same episode bracket a
    // stretch in which the circuit refused every admission, so calls counted between them were already in flight.
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const deadCalls = await fleet.sim.modelRequests(DEAD_MODEL);
        const circuit = (await breakers.snapshots(["primary-a"])).get("primary-a");
        samples.push({ atMs: Date.now(), deadCalls, state: circuit?.state ?? "closed", openedTotal: circuit?.openedTotal ?? 0 });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const load = startLoad({
      api: fleet.api,
      concurrency: 48,
      total: REQUESTS,
      body: (index) => ({ messages: [{ role: "user", content: `Summarise entry ${index} of the delivery log.` }], max_tokens: 32 }),
    });
    const loaded = await load.done;
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids: loaded.accepted.map((request) => request.id), events, drainTimeoutMs: 60_000 });
    sampling = false;
    await sampler;

    const stats = await fleet.sim.stats();
    const deadCalls = stats.byModel[DEAD_MODEL]?.requests ?? 0;
    const circuit = (await breakers.snapshots(["primary-a"])).get("primary-a");
    const openedTotal = circuit?.openedTotal ?? 0;
    // Each open episode ends with at most one probe (the lease outlives any probe call here).
    const probes = Math.max(0, openedTotal - 1) + (circuit?.state === "half_open" ? 1 : 0);
    const inFlightBound = PRIMARY_CONCURRENCY * WORKERS;
    const bound = BREAKER.failureThreshold + inFlightBound + probes;

    let callsWhileOpen = 0;
    let callsWhileReopened = 0;
    let openPairs = 0;
    for (let index = 1; index < samples.length; index++) {
      const [before, after] = [samples[index - 1] as Sample, samples[index] as Sample];
      if (before.state === "open" && after.state === "open" && before.openedTotal === after.openedTotal) {
        openPairs++;
        callsWhileOpen += after.deadCalls - before.deadCalls;
        // After a failed probe nothing else was admitted: only stragglers of the first episode could land here.
        if (after.openedTotal > 1) callsWhileReopened += after.deadCalls - before.deadCalls;
      }
    }
    const servedBy: Record<string, number> = {};
    for (const record of audit.records.values()) {
      if (record.status === "succeeded") servedBy[record.deploymentId ?? "?"] = (servedBy[record.deploymentId ?? "?"] ?? 0) + 1;
    }

    printCounts("primary down", {
      ...audit.counts,
      load: loaded.byStatus,
      loadSeconds: loaded.durationMs / 1000,
      servedBy,
      deadModelCalls: deadCalls,
      bound: { failureThreshold: BREAKER.failureThreshold, inFlight: inFlightBound, probes, total: bound },
      circuitOpenedTotal: openedTotal,
      callsWhileOpen,
      callsWhileReopened,
      openSamplePairs: openPairs,
      simTotalCalls: stats.totalRequests,
    });

    expect(loaded.accepted.length).toBe(REQUESTS);
    expect(audit.counts.lost, describeLost(audit)).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    expect(audit.counts.succeeded).toBe(REQUESTS);
    expect(servedBy["primary-a"]).toBeUndefined();
    // The circuit opened, early, and fleet-wide.
    expect(openedTotal).toBeGreaterThanOrEqual(1);
    expect(deadCalls).toBeGreaterThanOrEqual(BREAKER.failureThreshold);
    expect(deadCalls).toBeLessThanOrEqual(bound);
    // While it was open, only calls already in flight when it opened reached the model.
    expect(openPairs).toBeGreaterThan(0);
    expect(callsWhileOpen).toBeLessThanOrEqual(inFlightBound);
  });
});
