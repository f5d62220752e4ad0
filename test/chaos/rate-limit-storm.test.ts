import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hop, RequestRecord } from "@switchyard/contracts";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { startLoad } from "../support/load-generator.js";
import { auditRequests, describeLost, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// Scenario 4: a 429 storm on the primary and a provider whose bodies trickle in slowly, each request with its own
// deadline (`constraints.timeoutMs`). The matrix says: a 429 waits out the provider's retry-after and calls the same
// deployment again when that fits the deadline (up to maxAttempts), and falls back otherwise; a call that outlives
// its deployment's timeoutMs falls back to a faster deployment. The storm runs in two phases, a short retry-after
// (fits: same-deployment retries) and a long one (does not fit: fallbacks), then stops. The records' hops must show
// exactly that, nothing may be lost, and every request must be terminal by its deadline plus a slack (a call started
// just before the deadline may run up to its deployment's timeout, plus queueing on a busy machine). A 429 also
// pauses the deployment fleet-wide for its retry-after (the rate limiter): jobs for it wait if the pause fits their
// deadline, and move on without a call otherwise.
const WORKERS = 2;
const DEADLINE_MS = 6_000;
const SHORT_RETRY_AFTER_MS = 400;
const LONG_RETRY_AFTER_MS = 20_000;
const MAX_429_ATTEMPTS = 3;
const PHASE_MS = 3_000;
const LONGEST_DEPLOYMENT_TIMEOUT_MS = 3_000;
const SLACK_MS = LONGEST_DEPLOYMENT_TIMEOUT_MS + 4_000;
const STORM_MODEL = "storm-model";
const SLOW_MODEL = "slow-model";

const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 20, maxDelayMs: 200 }
  retryQueue: { baseDelayMs: 300, maxDelayMs: 1000, maxRounds: 10 }
  onFailure:
    rate_limited: { action: wait_or_fallback, maxAttempts: ${MAX_429_ATTEMPTS} }
    timeout: { action: fallback_faster, maxAttempts: 1 }
  # This scenario is about the matrix, not the breaker: keep circuits closed.
  breaker: { failureThreshold: 100000, minCalls: 100000 }
fallbacks:
  storm-a: [slow-b, steady-c]
deployments:
  - { id: storm-a, provider: openai, format: openai-chat, model: ${STORM_MODEL}, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.0001, pricePer1kOutputUsd: 0.0002, contextWindowTokens: 128000, typicalLatencyMs: 100,
      quality: { general: 0.95 }, limits: { concurrency: 16 }, timeoutMs: ${LONGEST_DEPLOYMENT_TIMEOUT_MS} }
  - { id: slow-b, provider: anthropic, format: anthropic-messages, model: ${SLOW_MODEL}, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 300,
      quality: { general: 0.9 }, limits: { concurrency: 16 }, timeoutMs: 1000 }
  - { id: steady-c, provider: gemini, format: gemini, model: steady-model, baseUrl: "\${PROVIDER_SIM_URL}/v1beta",
      pricePer1kInputUsd: 0.002, pricePer1kOutputUsd: 0.004, contextWindowTokens: 128000, typicalLatencyMs: 150,
      quality: { general: 0.8 }, limits: { concurrency: 16 }, timeoutMs: 2000 }
`;

const providerHops = (record: RequestRecord) => record.hops.filter((hop) => hop.stage === "provider").sort((a, b) => a.n - b.n);
const endOf = (hop: Hop) => hop.startedAtMs + hop.durationMs;

describe("chaos: 429 storm and slow bodies", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;

  beforeAll(async () => {
    redis = await startChaosRedis();
    fleet = await startFleet({
      redisUrl: redis.url,
      workers: WORKERS,
      config: CONFIG,
      simConfig: {
        latency: { kind: "uniform", minMs: 10, maxMs: 40 },
        models: {
          [STORM_MODEL]: { errorRate: 1, errorStatus: 429, retryAfterMs: SHORT_RETRY_AFTER_MS },
          [SLOW_MODEL]: { slowBodyRate: 0.5, slowBodyMs: 2_500 },
        },
      },
    });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
  });
  afterAll(async () => {
    await events?.stop();
    await fleet?.stop();
    await redis?.stop();
  });

  it("retries after retry-after when it fits the deadline, falls back otherwise, and ends every request in time", async () => {
    const load = startLoad({
      api: fleet.api,
      // About 30 requests a second: within what the fleet can serve while half of slow-b's calls hold a slot
      // for a whole second, so deadlines are missed only on a very busy machine.
      concurrency: 6,
      pauseMs: 200,
      durationMs: 3 * PHASE_MS,
      body: (index) => ({
        messages: [{ role: "user", content: `Summarise entry ${index} of the delivery log.` }],
        max_tokens: 32,
        constraints: { timeoutMs: DEADLINE_MS },
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, PHASE_MS));
    const shortWaitUntilMs = Date.now();
    await fleet.sim.setModel(STORM_MODEL, { retryAfterMs: LONG_RETRY_AFTER_MS });
    const longWaitFromMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, PHASE_MS));
    const stormEndsAtMs = Date.now();
    await fleet.sim.setModel(STORM_MODEL, { errorRate: 0 });

    const loaded = await load.done;
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids: loaded.accepted.map((request) => request.id), events, drainTimeoutMs: DEADLINE_MS + SLACK_MS + 10_000 });
    const stats = await fleet.sim.stats();

    const tally = {
      rateLimitedHops: 0,
      retriedSameAfterWait: 0,
      retriedTooEarly: 0,
      retriedPastDeadline: 0,
      fellBackAfter429: 0,
      shortWaitNotRetried: 0,
      longWaitRetried: 0,
      longWaitFellBack: 0,
      slowBodyTimeouts: 0,
      timeoutFellBackToFaster: 0,
      timeoutPastDeadline: 0,
      pausedSkips: 0,
      pastDeadlinePlusSlack: 0,
      maxOverrunMs: Number.NEGATIVE_INFINITY,
    };
    const servedBy: Record<string, number> = {};
    for (const record of audit.records.values()) {
      if (record.status === "succeeded") servedBy[record.deploymentId ?? "?"] = (servedBy[record.deploymentId ?? "?"] ?? 0) + 1;
      const deadlineAtMs = record.createdAtMs + DEADLINE_MS;
      if (record.finishedAtMs !== undefined) {
        const overrunMs = record.finishedAtMs - deadlineAtMs;
        tally.maxOverrunMs = Math.max(tally.maxOverrunMs, overrunMs);
        if (overrunMs > SLACK_MS) tally.pastDeadlinePlusSlack++;
      }
      const hops = providerHops(record);
      // While a 429's retry-after pauses storm-a, its jobs move on without a call when the wait outlasts the deadline.
      tally.pausedSkips += hops.filter((hop) => hop.deploymentId === "storm-a" && hop.error?.code === "no_capacity").length;
      hops.forEach((hop, index) => {
        const next = hops[index + 1];
        if (hop.error?.code === "timeout" && hop.deploymentId === "slow-b") {
          tally.slowBodyTimeouts++;
          if (next?.deploymentId === "steady-c") tally.timeoutFellBackToFaster++;
          // Queued behind slow calls, the deadline may be gone by then: no fallback, the request fails with
          // deadline_exceeded after the cache stage.
          else if (next === undefined && /the deadline has passed/.test(hop.note ?? "") && record.error?.code === "deadline_exceeded") tally.timeoutPastDeadline++;
        }
        if (hop.error?.code !== "rate_limited" || hop.deploymentId !== "storm-a") return;
        tally.rateLimitedHops++;
        const waited = /waiting (\d+) ms/.exec(hop.note ?? "");
        // The 429's retry-after is known from the phase when the whole call fell inside it.
        const shortWait = endOf(hop) < shortWaitUntilMs;
        const longWait = hop.startedAtMs >= longWaitFromMs && endOf(hop) <= stormEndsAtMs;
        if (next?.deploymentId === "storm-a") {
          const waitMs = Number(waited?.[1] ?? Number.NaN);
          tally.retriedSameAfterWait++;
          // The delay starts after the hop was recorded; allow a few ms for the clocks' rounding.
          if (!(next.startedAtMs >= endOf(hop) + waitMs - 10)) tally.retriedTooEarly++;
          if (!(endOf(hop) + waitMs <= deadlineAtMs + 50)) tally.retriedPastDeadline++;
          if (longWait) tally.longWaitRetried++;
        } else if (next !== undefined) {
          tally.fellBackAfter429++;
          if (longWait) tally.longWaitFellBack++;
          // A short wait that fitted the deadline, with attempts left, must have been a retry, not a fallback.
          if (shortWait && hop.attempt < MAX_429_ATTEMPTS && endOf(hop) + SHORT_RETRY_AFTER_MS + 200 < deadlineAtMs) tally.shortWaitNotRetried++;
        }
      });
    }

    printCounts("429 storm + slow bodies", {
      ...audit.counts,
      load: loaded.byStatus,
      servedBy,
      ...tally,
      deadlineMs: DEADLINE_MS,
      slackMs: SLACK_MS,
      simFaults: stats.faults,
      simByModel: Object.fromEntries(Object.entries(stats.byModel).map(([model, entry]) => [model, entry.byStatus])),
    });

    expect(audit.counts.accepted).toBeGreaterThan(0);
    expect(audit.counts.lost, describeLost(audit)).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    expect(tally.pastDeadlinePlusSlack).toBe(0);
    // 429 with a retry-after that fits: the same deployment, after the wait, within the deadline.
    expect(tally.retriedSameAfterWait).toBeGreaterThan(0);
    expect(tally.retriedTooEarly).toBe(0);
    expect(tally.retriedPastDeadline).toBe(0);
    expect(tally.shortWaitNotRetried).toBe(0);
    // 429 with a retry-after past the deadline: a fallback, never a wait.
    expect(tally.longWaitFellBack).toBeGreaterThan(0);
    expect(tally.longWaitRetried).toBe(0);
    // Slow bodies outlive slow-b's timeout and fall back to the faster deployment.
    expect(stats.faults.slow_body ?? 0).toBeGreaterThan(0);
    expect(tally.slowBodyTimeouts).toBeGreaterThan(0);
    expect(tally.timeoutFellBackToFaster).toBeGreaterThan(0);
    expect(tally.timeoutFellBackToFaster + tally.timeoutPastDeadline).toBe(tally.slowBodyTimeouts);
    // The long retry-after pauses the primary fleet-wide (for 20 s, past the end of the run): requests meant for it
    // fall back without a call instead of waiting past their deadline, and it gets no call while paused.
    expect(tally.pausedSkips).toBeGreaterThan(0);
    expect(stats.byModel[STORM_MODEL]?.byStatus["200"] ?? 0).toBe(0);
  });
});
