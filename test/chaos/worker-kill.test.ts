import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { startLoad } from "../support/load-generator.js";
import { auditRequests, describeLost, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// Scenario 2: worker processes are SIGKILLed while hundreds of requests are in flight, three times in one run, and
// a replacement is started after each kill (two workers keep running throughout). Jobs the dead worker held come
// back through BullMQ's stalled-job check (locks of 3 s here); every accepted request must reach a terminal state
// exactly once. Provider calls the dead workers made but never recorded are repeated: that number is reported.
const KILLS = 3;
const WORKERS = 3;
const REQUESTS = 1_500;
/** Kill only once at least this many accepted requests are not terminal yet (or after waiting for it a while). */
const IN_FLIGHT_AT_KILL = 200;

const deployment = (id: string, provider: string, format: string, model: string, path: string, quality: number) =>
  `  - { id: ${id}, provider: ${provider}, format: ${format}, model: ${model}, baseUrl: "\${PROVIDER_SIM_URL}${path}",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 300,
      quality: { general: ${quality} }, limits: { concurrency: 18 } }`;
// Two deployments of equal standing on different providers; 18 calls in flight each across the fleet, so a backlog
// builds up behind them.
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 20, maxDelayMs: 200 }
  retryQueue: { baseDelayMs: 200, maxDelayMs: 1000, maxRounds: 5 }
deployments:
${deployment("steady-a", "openai", "openai-chat", "model-a", "/v1", 0.9)}
${deployment("steady-b", "anthropic", "anthropic-messages", "model-b", "/v1", 0.9)}
`;

describe("chaos: worker processes SIGKILLed under load", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;

  beforeAll(async () => {
    redis = await startChaosRedis();
    fleet = await startFleet({
      redisUrl: redis.url,
      workers: WORKERS,
      config: CONFIG,
      simConfig: { latency: { kind: "uniform", minMs: 150, maxMs: 450 } },
    });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
  });
  afterAll(async () => {
    await events?.stop();
    await fleet?.stop();
    await redis?.stop();
  });

  it("finishes every accepted request exactly once across three kills", async () => {
    // Alternate the model so both deployments (and both provider pools) hold jobs when a worker dies.
    const load = startLoad({
      api: fleet.api,
      concurrency: 48,
      total: REQUESTS,
      body: (index) => ({
        model: index % 2 === 0 ? "steady-a" : "steady-b",
        messages: [{ role: "user", content: `Summarise entry ${index} of the delivery log.` }],
        max_tokens: 32,
      }),
    });
    const inFlight = () => load.accepted.length - load.accepted.filter((request) => events.counts.has(request.id)).length;

    const kills: { inFlight: number; runningAfterKill: number; atSecond: number }[] = [];
    const startedAtMs = Date.now();
    for (let kill = 0; kill < KILLS; kill++) {
      const waitUntil = Date.now() + 15_000;
      while (inFlight() < IN_FLIGHT_AT_KILL && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 50));
      const inFlightNow = inFlight();
      await fleet.killWorker(0);
      kills.push({ inFlight: inFlightNow, runningAfterKill: fleet.workers.length, atSecond: (Date.now() - startedAtMs) / 1000 });
      await fleet.startWorker();
    }

    const loaded = await load.done;
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids: loaded.accepted.map((request) => request.id), events, drainTimeoutMs: 90_000 });
    const stats = await fleet.sim.stats();
    const repeatedCalls = stats.totalRequests - audit.counts.succeeded;

    printCounts("worker SIGKILL", {
      ...audit.counts,
      load: loaded.byStatus,
      kills,
      simTotalCalls: stats.totalRequests,
      simByStatus: stats.byStatus,
      repeatedProviderCalls: repeatedCalls,
      drainedSecondsAfterStart: (Date.now() - startedAtMs) / 1000,
    });

    expect(kills).toHaveLength(KILLS);
    for (const kill of kills) expect(kill.runningAfterKill).toBeGreaterThanOrEqual(2);
    expect(audit.counts.accepted).toBe(REQUESTS);
    expect(audit.counts.lost, describeLost(audit)).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    // Healthy providers: a kill may repeat a call, never fail a request.
    expect(audit.counts.failed).toBe(0);
    expect(repeatedCalls).toBeGreaterThanOrEqual(0);
  });
});
