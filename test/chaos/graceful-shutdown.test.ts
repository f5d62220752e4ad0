import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { startLoad } from "../support/load-generator.js";
import { auditRequests, describeLost, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// A worker asked to stop (SIGTERM, as a rolling deploy does) while it holds jobs: it stops taking new ones and
// finishes the active ones within SWITCHYARD_SHUTDOWN_TIMEOUT_MS, so nothing is lost and, unlike a SIGKILL, no
// provider call is made twice. The other worker takes the rest of the backlog.
const REQUESTS = 400;
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
deployments:
  - { id: steady, provider: openai, format: openai-chat, model: steady-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 300,
      quality: { general: 0.9 }, limits: { concurrency: 8 } }
`;

describe("chaos: a worker stopped gracefully under load", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;

  beforeAll(async () => {
    redis = await startChaosRedis();
    fleet = await startFleet({
      redisUrl: redis.url,
      workers: 2,
      config: CONFIG,
      simConfig: { latency: { kind: "uniform", minMs: 200, maxMs: 500 } },
      env: { SWITCHYARD_SHUTDOWN_TIMEOUT_MS: "5000" },
    });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
  });
  afterAll(async () => {
    await events?.stop();
    await fleet?.stop();
    await redis?.stop();
  });

  it("finishes its active jobs, exits cleanly, and loses and repeats nothing", async () => {
    const load = startLoad({
      api: fleet.api,
      concurrency: 32,
      total: REQUESTS,
      body: (index) => ({ messages: [{ role: "user", content: `Summarise entry ${index} of the audit log.` }], max_tokens: 24 }),
    });
    const stopping = fleet.workers[0];
    if (!stopping) throw new Error("no worker");
    const waitUntil = Date.now() + 15_000;
    while (load.accepted.length < REQUESTS / 4 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    const signalledAtMs = Date.now();
    await stopping.stop("SIGTERM");
    const exitedAfterMs = Date.now() - signalledAtMs;

    const loaded = await load.done;
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids: loaded.accepted.map((request) => request.id), events, drainTimeoutMs: 60_000 });
    const stats = await fleet.sim.stats();
    printCounts("worker SIGTERM", {
      ...audit.counts,
      exitCode: stopping.child.exitCode,
      exitedAfterMs,
      simTotalCalls: stats.totalRequests,
      simByStatus: stats.byStatus,
      repeatedProviderCalls: stats.totalRequests - audit.counts.succeeded,
    });

    expect(stopping.child.exitCode).toBe(0);
    expect(audit.counts.accepted).toBe(REQUESTS);
    expect(audit.counts.lost, describeLost(audit)).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    expect(audit.counts.failed).toBe(0);
    // Active calls were finished, not abandoned to the stalled-job check: none was made twice.
    expect(stats.totalRequests).toBe(audit.counts.succeeded);
  });
});
