import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { startLoad } from "../support/load-generator.js";
import { auditRequests, describeLost, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// Scenario 3: Redis crashes (SIGKILL) in the middle of the load and comes back two seconds later on the same port
// and data folder. Redis runs with AOF and `appendfsync always`, which fsyncs every write before answering, so not
// even a machine crash could lose a request that got its 202. (A crash of redis-server alone, as here, loses nothing
// under `everysec` either, the production setting in infra/redis: the writes are already in the OS's page cache;
// runs with `everysec` showed the same counts. Only a kernel crash or power loss tells the two apart.)
// While Redis is away the API must answer 503 (never 202), and once it is back the API and the workers recover by
// themselves; every request answered 202 must end terminal, exactly once.
const WORKERS = 2;
const LOAD_MS = 9_000;
const CRASH_AFTER_MS = 2_500;
const DOWN_MS = 2_000;

const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 20, maxDelayMs: 200 }
  retryQueue: { baseDelayMs: 200, maxDelayMs: 1000, maxRounds: 10 }
deployments:
  - { id: steady-a, provider: openai, format: openai-chat, model: model-a, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 100,
      quality: { general: 0.9 }, limits: { concurrency: 16 } }
  - { id: steady-b, provider: gemini, format: gemini, model: model-b, baseUrl: "\${PROVIDER_SIM_URL}/v1beta",
      pricePer1kInputUsd: 0.002, pricePer1kOutputUsd: 0.004, contextWindowTokens: 128000, typicalLatencyMs: 200,
      quality: { general: 0.85 }, limits: { concurrency: 16 } }
`;

describe("chaos: Redis crashes and restarts under load", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;

  beforeAll(async () => {
    redis = await startChaosRedis({ appendFsync: "always" });
    fleet = await startFleet({
      redisUrl: redis.url,
      workers: WORKERS,
      config: CONFIG,
      simConfig: { latency: { kind: "uniform", minMs: 20, maxMs: 80 } },
    });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
  });
  afterAll(async () => {
    await events?.stop();
    await fleet?.stop();
    await redis?.stop();
  });

  it("loses no accepted request, answers 503 while Redis is away and recovers by itself", async () => {
    const load = startLoad({
      api: fleet.api,
      concurrency: 16,
      durationMs: LOAD_MS,
      body: (index) => ({ messages: [{ role: "user", content: `Summarise entry ${index} of the delivery log.` }], max_tokens: 32 }),
    });
    await new Promise((resolve) => setTimeout(resolve, CRASH_AFTER_MS));

    const acceptedBeforeCrash = load.accepted.length;
    const inFlightAtCrash = load.accepted.filter((request) => !events.counts.has(request.id)).length;
    await redis.redis.stop("SIGKILL");
    const crashedAtMs = Date.now();
    // Give the API's connection a moment to notice, then ask it directly, as a caller would.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await fleet.api.post("/v1/requests", { messages: [{ role: "user", content: "while Redis is away" }] });
    const health = await fetch(`${fleet.apiUrl}/healthz`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - crashedAtMs))));

    const restartingAtMs = Date.now();
    await redis.redis.startAgain();
    const restartedAtMs = Date.now();
    // The API recovers by itself: the load's own requests are answered 202 again.
    const acceptedAtRestart = load.accepted.length;
    while (load.accepted.length === acceptedAtRestart && Date.now() - restartedAtMs < 30_000) await new Promise((resolve) => setTimeout(resolve, 20));
    const recoveredAfterMs = Date.now() - restartedAtMs;

    const loaded = await load.done;
    const acceptedAfterRestart = loaded.accepted.filter((request) => request.sentAtMs > restartedAtMs).length;
    // Sent after the API was seen answering 503 and well before Redis was started again: none may have been accepted.
    const acceptedWhileDown = loaded.accepted.filter((request) => request.sentAtMs > crashedAtMs + 300 && request.sentAtMs < restartingAtMs - 500).length;
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids: loaded.accepted.map((request) => request.id), events, drainTimeoutMs: 60_000 });
    const workersAlive = fleet.workers.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null).length;

    printCounts("Redis restart (AOF, appendfsync always, SIGKILL)", {
      ...audit.counts,
      load: loaded.byStatus,
      acceptedBeforeCrash,
      inFlightAtCrash,
      acceptedWhileDown,
      acceptedAfterRestart,
      directPostWhileDown: during.status,
      healthWhileDown: health.status,
      apiRecoveredAfterMs: recoveredAfterMs,
      eventSubscriberReconnects: events.reconnects,
      workersAlive,
    });

    expect(during.status).toBe(503);
    expect(health.status).toBe(503);
    expect(loaded.byStatus["503"] ?? 0).toBeGreaterThan(0);
    expect(acceptedWhileDown).toBe(0);
    expect(acceptedBeforeCrash).toBeGreaterThan(0);
    expect(acceptedAfterRestart).toBeGreaterThan(0);
    expect(workersAlive).toBe(WORKERS);
    expect(audit.counts.lost, describeLost(audit)).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    expect(audit.counts.failed).toBe(0);
  });
});
