import { Redis } from "ioredis";
import { Pool } from "undici";
import { CircuitBreakers, type BreakerSettings, type CircuitState } from "@switchyard/queue";
import { CompletionWatcher } from "./completion-watcher.js";
import type { FailoverFleet } from "./failover-config.js";
import { percentile } from "./stats.js";
import { readRecord, submit, type RecordView, type SwitchyardTarget } from "./switchyard-client.js";

/**
 * How a request was served, read from its hops:
 * - `primary`: by the primary, in one provider call;
 * - `before_open`: the primary was called, failed, and the fallback answered;
 * - `skipped`: the dispatcher ranked the primary out (its circuit was open) and sent it to the fallback;
 * - `refused`: dispatched to the primary, whose breaker then refused the call (`circuit_open`), so it fell back.
 */
type Route = "primary" | "before_open" | "skipped" | "refused" | "unexpected";

interface Sample {
  latencyMs: number;
  record: RecordView;
}

/** Means over a phase, from the request records' own timestamps (whole ms on the API's and worker's clocks). */
export interface TimeBreakdown {
  /** Accepted by the API → the dispatcher picks the tier job up. */
  acceptToDispatchMs: number;
  dispatchMs: number;
  /** Provider hops that failed (the dead primary's 503). */
  failedCallsMs: number;
  /** Between one hop's end and the next hop's start: queue waits (and the failed hop's bookkeeping). */
  betweenHopsMs: number;
  /** The provider hop that answered. */
  answeringCallMs: number;
  /** Accepted → finished, as recorded. */
  recordedMs: number;
  /** Client-observed latency minus `recordedMs`: the HTTP submit before acceptance and the event's delivery. */
  outsideRecordMs: number;
}

export interface PhaseResult {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  breakdown: TimeBreakdown;
}

export interface FailoverRound {
  /** Dead-primary requests sent before the first that found the circuit open (each made one failed call). */
  openedAfterRequests: number | null;
  /** The primary's circuit as `CircuitBreakers.snapshots` read it at the end of the round. */
  circuitState: CircuitState;
  circuitOpenedTotal: number;
}

export interface FailoverResult {
  healthy: PhaseResult;
  deadBeforeOpen: PhaseResult;
  deadAfterOpen: PhaseResult;
  rounds: FailoverRound[];
  /** How the after-open requests avoided the primary. */
  afterOpenSkippedAtDispatch: number;
  afterOpenRefusedByBreaker: number;
  /** Requests that failed, came from the cache, or took another route than their phase's (not in the latencies). */
  unexpected: number;
}

export interface FailoverOptions {
  rounds: number;
  /** Per phase and round; the breaker's `failureThreshold` must equal it. */
  requestsPerRound: number;
  warmupRequests: number;
  /** The breaker settings the stack runs with (`failoverBreaker`). */
  breaker: BreakerSettings;
}

function routeOf(record: RecordView, fleet: FailoverFleet): Route {
  if (record.status !== "succeeded" || record.served_from_cache === true) return "unexpected";
  const providerHops = record.hops.filter((hop) => hop.stage === "provider");
  const onPrimary = providerHops.filter((hop) => hop.deployment_id === fleet.primaryId);
  const answeredBy = record.deployment_id;
  if (answeredBy === fleet.primaryId) return onPrimary.length === 1 && providerHops.length === 1 ? "primary" : "unexpected";
  if (answeredBy !== fleet.fallbackId) return "unexpected";
  if (onPrimary.length === 0) return "skipped";
  if (onPrimary.every((hop) => hop.error?.code === "circuit_open")) return "refused";
  return onPrimary.every((hop) => hop.outcome === "error") ? "before_open" : "unexpected";
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function breakdownOf(samples: Sample[]): TimeBreakdown {
  const rows = samples.map(({ latencyMs, record }): TimeBreakdown => {
    const hops = [...record.hops].sort((a, b) => a.n - b.n);
    const between = hops.slice(1).reduce((sum, hop, index) => {
      const previous = hops[index]!;
      return sum + (hop.started_at_ms - (previous.started_at_ms + previous.duration_ms));
    }, 0);
    const recordedMs = (record.finished_at_ms ?? Number.NaN) - record.created_at_ms;
    const providerMs = (outcome: "ok" | "error") =>
      hops.filter((hop) => hop.stage === "provider" && hop.outcome === outcome).reduce((sum, hop) => sum + hop.duration_ms, 0);
    return {
      acceptToDispatchMs: (hops[0]?.started_at_ms ?? Number.NaN) - record.created_at_ms,
      dispatchMs: hops.filter((hop) => hop.stage === "dispatch").reduce((sum, hop) => sum + hop.duration_ms, 0),
      failedCallsMs: providerMs("error"),
      betweenHopsMs: between,
      answeringCallMs: providerMs("ok"),
      recordedMs,
      outsideRecordMs: latencyMs - recordedMs,
    };
  });
  const meanOf = (key: keyof TimeBreakdown) => mean(rows.map((row) => row[key]));
  return {
    acceptToDispatchMs: meanOf("acceptToDispatchMs"),
    dispatchMs: meanOf("dispatchMs"),
    failedCallsMs: meanOf("failedCallsMs"),
    betweenHopsMs: meanOf("betweenHopsMs"),
    answeringCallMs: meanOf("answeringCallMs"),
    recordedMs: meanOf("recordedMs"),
    outsideRecordMs: meanOf("outsideRecordMs"),
  };
}

function phase(samples: Sample[]): PhaseResult {
  const latenciesMs = samples.map((sample) => sample.latencyMs);
  return { samples: samples.length, p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99), breakdown: breakdownOf(samples) };
}

/** Fails every call to `model` with `status` from now on, or (without one) heals every model (the simulator's per-model overrides). */
async function setModelFailure(simUrl: string, model: string, status?: number): Promise<void> {
  const models = status === undefined ? {} : { [model]: { errorRate: 1, errorStatus: status } };
  const response = await fetch(`${simUrl}/_sim/config`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ models }),
  });
  if (!response.ok) throw new Error(`simulator refused the config change: ${response.status} ${await response.text()}`);
}

/**
 * Submit-to-completion latency, one request at a time, in rounds of three phases of `requestsPerRound`
 * requests: the primary healthy; then dead (every call a 503) until its circuit opens; then with the circuit
 * open. Between rounds the simulator heals the primary and its circuit is reset, so the phases interleave in
 * time and a burst of load on the machine does not land on one phase only. Every request's record is read
 * back after it completed (outside the timed span, in every phase alike) to tell from its hops which side of
 * the opening it fell on. Against a stack running `failoverConfig(simUrl, options.breaker)`.
 */
export async function switchyardFailover(
  target: SwitchyardTarget,
  simUrl: string,
  fleet: FailoverFleet,
  options: FailoverOptions,
): Promise<FailoverResult> {
  const subscriber = new Redis(target.redisUrl);
  const redis = new Redis(target.redisUrl);
  const breakers = new CircuitBreakers(redis, target.prefix, options.breaker);
  const watcher = new CompletionWatcher(subscriber);
  await watcher.start(`${target.prefix}:events:request`);
  const pool = new Pool(target.apiUrl, { connections: 1 });
  const once = async (): Promise<Sample> => {
    const t0 = performance.now();
    const id = await submit(pool, target.adminKey);
    const doneAtMs = await watcher.waitFor(id);
    const latencyMs = doneAtMs - t0;
    return { latencyMs, record: await readRecord(pool, target.adminKey, id) };
  };
  const circuit = async () => {
    const snapshot = (await breakers.snapshots([fleet.primaryId])).get(fleet.primaryId);
    if (!snapshot) throw new Error(`no circuit snapshot for ${fleet.primaryId}`);
    return snapshot;
  };

  try {
    const healthy: Sample[] = [];
    const before: Sample[] = [];
    const after: Sample[] = [];
    const rounds: FailoverRound[] = [];
    let skipped = 0;
    let refused = 0;
    let unexpected = 0;
    for (let index = 0; index < options.warmupRequests; index++) await once();

    for (let round = 0; round < options.rounds; round++) {
      if (round > 0) {
        await setModelFailure(simUrl, fleet.primaryModel);
        await breakers.reset(fleet.primaryId);
      }
      if ((await circuit()).state !== "closed") throw new Error(`${fleet.primaryId}'s circuit is not closed at the start of round ${round + 1}`);
      for (let index = 0; index < options.requestsPerRound; index++) {
        const sample = await once();
        if (routeOf(sample.record, fleet) === "primary") healthy.push(sample);
        else unexpected += 1;
      }

      await setModelFailure(simUrl, fleet.primaryModel, 503);
      let openedAfterRequests: number | null = null;
      let afterThisRound = 0;
      // The breaker opens on the requestsPerRound-th failure; the slack only bounds a round whose circuit never opens.
      const limit = 2 * options.requestsPerRound + 100;
      for (let sent = 0; sent < limit && afterThisRound < options.requestsPerRound; sent++) {
        const sample = await once();
        const route = routeOf(sample.record, fleet);
        if (route === "before_open") before.push(sample);
        else if (route === "skipped" || route === "refused") {
          openedAfterRequests ??= sent;
          after.push(sample);
          afterThisRound += 1;
          if (route === "skipped") skipped += 1;
          else refused += 1;
        } else unexpected += 1;
      }
      const snapshot = await circuit();
      rounds.push({ openedAfterRequests, circuitState: snapshot.state, circuitOpenedTotal: snapshot.openedTotal });
    }
    return {
      healthy: phase(healthy),
      deadBeforeOpen: phase(before),
      deadAfterOpen: phase(after),
      rounds,
      afterOpenSkippedAtDispatch: skipped,
      afterOpenRefusedByBreaker: refused,
      unexpected,
    };
  } finally {
    await pool.close();
    subscriber.disconnect();
    redis.disconnect();
  }
}
