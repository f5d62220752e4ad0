import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { Hop, RequestRecord } from "@switchyard/contracts";
import { createRedis, RequestStore } from "@switchyard/queue";
import { startChaosRedis, type ChaosRedis } from "../support/chaos-redis.js";
import { startFleet, type Fleet } from "../support/fleet.js";
import { busiestInterval, callHops, describeHops, endOf, maxOverlap, quantile } from "../support/hop-timeline.js";
import { auditRequests, describeLost, printCounts } from "../support/request-audit.js";
import { TerminalEventCounter } from "../support/terminal-events.js";

// The fleet-wide per-deployment rate limiter through real processes: three workers share each deployment's
// budget (rpm, tpm per windowMs, calls in flight) in Redis, against a simulator enforcing the same limits as a
// provider does. A request without budget waits, without spending an attempt and without slowing other
// deployments, or, when the wait outlasts its deadline, falls back with a `no_capacity` hop; a provider 429
// pauses its deployment alone.
const WORKERS = 3;
const WINDOW_MS = 3_000;
const RPM_A = 6;
const RPM_B = 12;
const MAX_TOKENS = 64;
// About five of rl-b's requests per window (each ~20 prompt tokens + 64 output): tokens bind before requests.
const TPM_B = 450;
const SLOW_LATENCY_MS = 400;
const SLOW_CONCURRENCY = 2;
const PAUSE_RETRY_AFTER_MS = 30_000;
const SCARCE_RPM = 2;
const SCARCE_WINDOW_MS = 6_000;

const deployment = (id: string, model: string, extra: string) =>
  `  - { id: ${id}, provider: openai, format: openai-chat, model: ${model}, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 128000, typicalLatencyMs: 200,
      quality: { general: 0.9 }, ${extra} }`;

const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 20, maxDelayMs: 200 }
  # Limits, not health, are under test: keep circuits closed.
  breaker: { failureThreshold: 100000, minCalls: 100000 }
# Every fallback goes to spare, which no scenario measures.
fallbacks:
  rl-a: [spare]
  rl-b: [spare]
  slow-c: [spare]
  busy: [spare]
  steady: [spare]
  scarce: [spare]
deployments:
${deployment("rl-a", "rl-a-model", `limits: { rpm: ${RPM_A}, windowMs: ${WINDOW_MS} }`)}
${deployment("rl-b", "rl-b-model", `limits: { rpm: ${RPM_B}, tpm: ${TPM_B}, windowMs: ${WINDOW_MS} }`)}
${deployment("slow-c", "slow-model", `limits: { concurrency: ${SLOW_CONCURRENCY} }`)}
${deployment("busy", "busy-model", "limits: { concurrency: 16 }")}
${deployment("steady", "steady-model", "limits: { concurrency: 16 }")}
${deployment("scarce", "scarce-model", `limits: { rpm: ${SCARCE_RPM}, windowMs: ${SCARCE_WINDOW_MS} }`)}
${deployment("spare", "spare-model", "limits: { concurrency: 64 }")}
`;

const SIM_CONFIG = {
  latency: { kind: "uniform", minMs: 10, maxMs: 40 },
  models: {
    "rl-a-model": { rpm: RPM_A, limitWindowMs: WINDOW_MS },
    "rl-b-model": { rpm: RPM_B, tpm: TPM_B, limitWindowMs: WINDOW_MS },
    // The simulator answers 429 to a third call in flight, so exceeding the cap would show there too.
    "slow-model": { latency: { kind: "fixed", ms: SLOW_LATENCY_MS }, maxConcurrent: SLOW_CONCURRENCY },
  },
};

describe("fleet-wide deployment rate limits", () => {
  let redis: ChaosRedis;
  let fleet: Fleet;
  let events: TerminalEventCounter;
  let reader: Redis;
  let store: RequestStore;
  let unique = 0;

  beforeAll(async () => {
    redis = await startChaosRedis();
    fleet = await startFleet({ redisUrl: redis.url, workers: WORKERS, config: CONFIG, simConfig: SIM_CONFIG });
    events = await TerminalEventCounter.start(redis.url, fleet.prefix);
    reader = createRedis(redis.url, "worker", "switchyard-rate-limits-test");
    store = new RequestStore(reader, fleet.prefix, 3_600);
  });
  afterAll(async () => {
    await events?.stop();
    reader?.disconnect();
    await fleet?.stop();
    await redis?.stop();
  });

  /** A prompt no other request sends, so the response cache never answers one. */
  const body = (model: string, extra: Record<string, unknown> = {}) => ({
    model,
    messages: [{ role: "user", content: `Summarise entry ${++unique} of the delivery log.` }],
    max_tokens: MAX_TOKENS,
    ...extra,
  });
  async function submit(request: unknown): Promise<string> {
    const answer = await fleet.api.post("/v1/requests", request);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return String(answer.body.id);
  }
  async function settle(ids: readonly string[], drainTimeoutMs = 30_000) {
    const audit = await auditRequests({ redisUrl: redis.url, prefix: fleet.prefix, ids, events, drainTimeoutMs });
    expect(audit.counts.lost, describeLost(audit)).toBe(0);
    expect(audit.counts.duplicated).toBe(0);
    return audit;
  }
  async function record(id: string): Promise<RequestRecord> {
    const found = await store.get(id);
    if (!found) throw new Error(`no record for ${id}`);
    return found;
  }
  async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const simStatus = async (model: string) => (await fleet.sim.stats()).byModel[model]?.byStatus ?? {};

  it("keeps a burst within the simulator's rpm and tpm across three workers, and every request succeeds", async () => {
    const windowsA = 3;
    const perA = RPM_A * windowsA;
    const perB = 15;
    const ids = await Promise.all([
      ...Array.from({ length: perA }, () => submit(body("rl-a"))),
      ...Array.from({ length: perB }, () => submit(body("rl-b"))),
    ]);
    const audit = await settle(ids, 45_000);
    const records = [...audit.records.values()];
    const [statusA, statusB] = [await simStatus("rl-a-model"), await simStatus("rl-b-model")];
    const hopsA = callHops(records, "rl-a");
    const hopsB = callHops(records, "rl-b");
    // A hop starts at most a few ms before its reservation (the job parse); shrinking the interval by this much
    // keeps "at most rpm in any window" a sound reading of the hops.
    const parseSlackMs = 50;
    const calls = (hops: readonly Hop[]) => hops.map((hop) => ({ atMs: hop.startedAtMs, weight: 1 }));
    const busiestA = busiestInterval(calls(hopsA), WINDOW_MS - parseSlackMs);
    const busiestB = busiestInterval(calls(hopsB), WINDOW_MS - parseSlackMs);
    // Tokens as the simulator charges them: the prompt it counted (the same for every call of a request) plus the
    // output cap asked for.
    const tokensB = records.flatMap((entry) =>
      callHops([entry], "rl-b").map((hop) => ({ atMs: hop.startedAtMs, weight: (entry.usage?.inputTokens ?? 0) + MAX_TOKENS })),
    );
    const busiestTokensB = busiestInterval(tokensB, WINDOW_MS - parseSlackMs);
    const offsets = (hops: readonly Hop[]) => hops.map((hop) => hop.startedAtMs - (hops[0]?.startedAtMs ?? 0));
    printCounts("rate-limit burst", {
      ...audit.counts,
      simA: statusA,
      simB: statusB,
      busiestA: busiestA.total,
      busiestB: busiestB.total,
      busiestTokensB: busiestTokensB.total,
      callsA: offsets(hopsA),
      callsB: offsets(hopsB),
    });

    expect(audit.counts.succeeded).toBe(ids.length);
    const pinnedTo = new Map(ids.map((id, index) => [id, index < perA ? "rl-a" : "rl-b"]));
    expect(records.filter((entry) => entry.deploymentId !== pinnedTo.get(entry.id)).map(describeHops)).toEqual([]);
    // Our side: in any window, at most rpm calls and tpm tokens per deployment, 429s included.
    expect(busiestA.total).toBeLessThanOrEqual(RPM_A);
    expect(busiestB.total).toBeLessThanOrEqual(RPM_B);
    expect(busiestTokensB.total).toBeLessThanOrEqual(TPM_B);
    // The simulator's side: it admits at most its limit per window by construction, so what shows a fleet over
    // the limit is a 429. A few can happen, and only at a window's edge: the simulator's window opens when the
    // first call ARRIVES, a few ms after our reservation (tens of ms for a worker's very first call, which opens
    // the connection), so a call reserved the instant our window frees a slot can still reach the end of its
    // previous window. The provider's rate-limit headers close most of that gap (they say when its window
    // resets), but the latest answer to arrive is not always the latest one it sent, and its remaining count may
    // be one too high. At most one per window edge (rl-a has two, rl-b two); each such call waits out the
    // retry-after (a few ms) and is made again on the same deployment, as asserted above.
    expect(statusA["429"] ?? 0).toBeLessThanOrEqual(windowsA - 1);
    expect(statusB["429"] ?? 0).toBeLessThanOrEqual(2);
    // The burst needed three of rl-a's windows: the limiter held the rest back rather than letting them fail.
    expect((hopsA.at(-1)?.startedAtMs ?? 0) - (hopsA[0]?.startedAtMs ?? 0)).toBeGreaterThanOrEqual((windowsA - 1) * WINDOW_MS - parseSlackMs);
    // Waiting for budget spends no attempt: one call per request, plus one per 429 answered; and the simulator
    // answered exactly one 200 per request (no job called twice by two workers).
    expect(hopsA.length).toBe(perA + (statusA["429"] ?? 0));
    expect(hopsB.length).toBe(perB + (statusB["429"] ?? 0));
    expect([statusA["200"], statusB["200"]]).toEqual([perA, perB]);
  });

  it("never has more than the deployment's concurrency in flight at the simulator", async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => submit(body("slow-c"))));
    const audit = await settle(ids);
    const hops = callHops(audit.records.values(), "slow-c");
    const parseSlackMs = 5;
    const overlap = maxOverlap(hops.map((hop) => ({ startMs: hop.startedAtMs + parseSlackMs, endMs: endOf(hop) })));
    const status = await simStatus("slow-model");
    printCounts("concurrency cap", { ...audit.counts, sim: status, overlap });

    expect(audit.counts.succeeded).toBe(ids.length);
    expect(status["429"] ?? 0).toBe(0);
    expect(overlap).toBeLessThanOrEqual(SLOW_CONCURRENCY);
    expect(overlap).toBe(SLOW_CONCURRENCY);
  });

  it("a 429 pauses only its deployment: requests pinned to another keep their latency", async () => {
    const latenciesOf = async (ids: readonly string[]) => {
      const audit = await settle(ids);
      expect(audit.counts.succeeded).toBe(ids.length);
      return [...audit.records.values()].map((entry) => (entry.finishedAtMs ?? Number.NaN) - entry.createdAtMs);
    };
    const steadyBurst = async () => Promise.all(Array.from({ length: 10 }, () => submit(body("steady"))));
    const baseline = await latenciesOf(await steadyBurst());

    await fleet.sim.setModel("busy-model", { errorRate: 1, errorStatus: 429, retryAfterMs: PAUSE_RETRY_AFTER_MS });
    // The first call is answered 429 with a 30 s retry-after; with no deadline to speak of the request waits it out.
    const waiting = await submit(body("busy"));
    await waitFor("the 429 on busy", async () => (await record(waiting)).hops.some((hop) => hop.error?.code === "rate_limited"));
    // busy is now paused fleet-wide: one whose deadline the pause outlasts falls back at once, without a call ...
    const hurried = await submit(body("busy", { constraints: { timeoutMs: 5_000 } }));
    await settle([hurried]);
    // ... and one with time to spare waits; only busy's requests are held back.
    const patient = await submit(body("busy"));
    const during = await latenciesOf(await steadyBurst());

    const p50 = { baseline: quantile(baseline, 0.5), during: quantile(during, 0.5) };
    const [hurriedRecord, waitingRecord, patientRecord] = await Promise.all([record(hurried), record(waiting), record(patient)]);
    const busyCalls = (await fleet.sim.stats()).byModel["busy-model"]?.requests ?? 0;
    printCounts("429 isolation", { p50, baseline, during, busyCalls, hurried: describeHops(hurriedRecord), waiting: describeHops(waitingRecord), patient: describeHops(patientRecord) });

    expect(p50.during).toBeLessThan(3 * p50.baseline + 200);
    expect(hurriedRecord.status).toBe("succeeded");
    expect(hurriedRecord.deploymentId).toBe("spare");
    expect(hurriedRecord.hops.filter((hop) => hop.stage === "provider").map((hop) => [hop.deploymentId, hop.error?.code ?? "ok"])).toEqual([
      ["busy", "no_capacity"],
      ["spare", "ok"],
    ]);
    // The other two wait out the pause: not failed, not fallen back, and busy got no call after its 429.
    for (const pending of [waitingRecord, patientRecord]) expect(["queued", "dispatched"]).toContain(pending.status);
    expect(waitingRecord.hops.filter((hop) => hop.stage === "provider").map((hop) => hop.error?.code)).toEqual(["rate_limited"]);
    expect(patientRecord.hops.filter((hop) => hop.stage === "provider")).toEqual([]);
    expect(busyCalls).toBe(1);
  });

  it("falls back with no_capacity when the wait for budget outlasts the deadline, and waits when it does not", async () => {
    const spent = await Promise.all(Array.from({ length: SCARCE_RPM }, () => submit(body("scarce"))));
    const spentAudit = await settle(spent);
    expect([...spentAudit.records.values()].every((entry) => entry.deploymentId === "scarce")).toBe(true);

    // scarce's budget is gone for most of a 6 s window: a request with 2 s to spare cannot wait for it ...
    const hurried = await submit(body("scarce", { constraints: { timeoutMs: 2_000 } }));
    await settle([hurried]);
    // ... one with a minute can.
    const patient = await submit(body("scarce", { constraints: { timeoutMs: 60_000 } }));
    await settle([patient], SCARCE_WINDOW_MS + 15_000);
    const [hurriedRecord, patientRecord] = [await record(hurried), await record(patient)];
    printCounts("deadline vs budget", { hurried: describeHops(hurriedRecord), patient: describeHops(patientRecord) });

    expect(hurriedRecord.status).toBe("succeeded");
    expect(hurriedRecord.hops.filter((hop) => hop.stage === "provider").map((hop) => [hop.deploymentId, hop.error?.code ?? "ok"])).toEqual([
      ["scarce", "no_capacity"],
      ["spare", "ok"],
    ]);
    // Served within its deadline, not after the wait it was spared.
    expect(hurriedRecord.finishedAtMs!).toBeLessThan(hurriedRecord.createdAtMs + 2_000);
    expect(patientRecord.status).toBe("succeeded");
    expect(patientRecord.deploymentId).toBe("scarce");
    expect(patientRecord.hops.filter((hop) => hop.stage === "provider").map((hop) => hop.error?.code ?? "ok")).toEqual(["ok"]);
    const calls = callHops([...spentAudit.records.values(), patientRecord], "scarce");
    // The waiting one was called only once the first of the spent reservations had left the window ...
    expect(calls.at(-1)!.startedAtMs - calls[0]!.startedAtMs).toBeGreaterThanOrEqual(SCARCE_WINDOW_MS - 50);
    // ... and exactly once: scarce saw the two that spent its budget and the one that waited, nothing else.
    expect((await fleet.sim.stats()).byModel["scarce-model"]?.requests).toBe(SCARCE_RPM + 1);
  });

  // A refused job waits as a delayed job of its own (job.moveToDelayed + DelayedError), so neither the worker nor
  // the queue pauses: a request behind waiting ones, whose deadline the wait outlasts, is looked at at once and
  // falls back, while the waiting ones are served once the budget is back.
  it("a short deadline falls back at once even behind requests already waiting for the budget", async () => {
    await new Promise((resolve) => setTimeout(resolve, SCARCE_WINDOW_MS));
    const spent = await Promise.all(Array.from({ length: SCARCE_RPM }, () => submit(body("scarce"))));
    await settle(spent);
    const waiting: string[] = [];
    for (let index = 0; index < 4; index++) {
      waiting.push(await submit(body("scarce", { constraints: { timeoutMs: 60_000 } })));
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const hurried = await submit(body("scarce", { constraints: { timeoutMs: 2_000 } }));
    const audit = await settle([hurried, ...waiting], 45_000);
    expect(audit.counts.succeeded, JSON.stringify(audit.counts.failedByReason)).toBe(waiting.length + 1);
    const hurriedRecord = audit.records.get(hurried)!;
    expect(hurriedRecord.deploymentId, describeHops(hurriedRecord)).toBe("spare");
    expect(hurriedRecord.finishedAtMs!).toBeLessThan(hurriedRecord.createdAtMs + 2_000);
  });
});
