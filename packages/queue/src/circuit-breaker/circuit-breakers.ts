/**
 * Fleet-wide circuit breakers, one per deployment, with their state in Redis so every API and worker
 * process sees (and moves) the same circuit.
 *
 * The state machine
 * -----------------
 *
 *            failures ≥ failureThreshold in the window,             resetTimeoutMs since openedAtMs;
 *            or ≥ minCalls calls and failures/calls ≥ failureRatio  the first admit() after it is the probe
 *   closed ─────────────────────────────────────────────▶ open ─────────────────────────────▶ half_open
 *      ▲                    "opened"                       ▲              "half_opened"            │
 *      │                                                   │                                       │
 *      │                                                   └────── probe failed: "reopened" ◀──────┤
 *      └─────────────────────── probe succeeded: "closed" (counters start afresh) ◀────────────────┘
 *
 *   trip(): closed → open ("opened"), half_open → open ("reopened"); an open circuit is left as it is.
 *
 * - Closed: admit() lets every call through. recordSuccess/recordFailure count results in a FIXED window:
 *   the window begins with the first result recorded when none is running, and the next result recorded
 *   `windowMs` or more after that begins a new one (counts back to zero). Both rules are checked after
 *   every result, successes included (a success can bring the calls up to `minCalls`).
 * - Open: admit() refuses with `retryAtMs = openedAtMs + resetTimeoutMs`. Results reported now are
 *   ignored: those calls began before the circuit opened and say nothing about the deployment since.
 * - Half-open: exactly one caller holds the probe slot, for `probeLeaseMs`; everyone else is refused with
 *   `retryAtMs` = the end of that lease. Only the probe's result counts (`probe: true`): success closes the
 *   circuit, failure opens it again with `openedAtMs = now`. A probe that never reports (its worker died)
 *   frees the slot when its lease ends, and the next admit() becomes the probe.
 * - Every transition is returned by the one call that caused it (never twice, never to two processes), so
 *   that caller logs it and counts it in metrics. Entering open (opened, reopened, a trip) also adds one
 *   to the circuit's `openedTotal` in Redis, which snapshots show.
 *
 * Redis
 * -----
 * One hash per deployment, `{prefix}:deployment:<id>:breaker` (see key-names.ts), moved only by the
 * scripts in `lua/breaker-*.lua`, which decide and write atomically: exactly one of any number of
 * concurrent admits, across the fleet, wins the probe. The decisions live in Lua rather than in a pure
 * TypeScript function because doing them in the process would need WATCH/MULTI and retries, which costs
 * two round trips and contention at ~1000 calls/s; what is pure (reading a snapshot) is circuit-snapshot.ts.
 *
 * Cost: admit() on a closed circuit is one EVALSHA doing one HGET and no write. recordSuccess/Failure on a
 * closed circuit is one EVALSHA doing HMGET, HSET and PEXPIRE. snapshots() is one pipelined round trip of
 * HMGETs, however many deployments. Transitions are rare and add a few O(1) commands.
 *
 * Keys expire `breakerKeyTtlMs(settings)` after their last write (2 × the longer of `windowMs` and
 * `resetTimeoutMs + probeLeaseMs`), so an open circuit always lives until it could half-open and a probe
 * lease can run out, and a deployment that is gone leaves nothing behind for long.
 *
 * Limits, knowingly accepted
 * --------------------------
 * - Fixed window: failures straddling a window boundary are split between two windows, so up to
 *   2 × (failureThreshold − 1) failures in quick succession can pass without opening. A sliding window
 *   would cost a sorted set per deployment and O(log n) writes per call.
 * - The clock is the caller's (`now`, injected for tests), not Redis's: processes whose clocks disagree by
 *   a few ms move windows and timeouts by that much, which is noise against windows of seconds.
 * - Probes carry no identity: the late result of a probe whose lease already ran out is taken as the probe's
 *   result while the circuit is still half_open (it is still evidence from after the reset timeout), and
 *   a probe's result reported after the circuit closed is counted as an ordinary call.
 * - A non-probe call admitted before one open/half-open/closed cycle and reporting after it is counted in
 *   the new window; nothing tells it apart from a fresh call.
 * - trip() is not probe-aware: a late auth error of an old call reopens a half-open circuit.
 * - Calls are counted when their result is recorded, not when admitted: a call that never reports counts
 *   nothing. Closing lets all traffic back at once (there is no ramp-up).
 * - Every process passes its own settings to the scripts; give the whole fleet the same `resilience.breaker`.
 * - `openedTotal` lives in the circuit's key: it restarts when the key expires or is reset().
 */
import type { Redis } from "ioredis";
import { keyNames, type KeyNames } from "../key-names.js";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";
import { breakerKeyTtlMs, type BreakerSettings } from "./breaker-settings.js";
import { CIRCUIT_FIELDS, circuitSnapshotFrom, type CircuitSnapshot } from "./circuit-snapshot.js";

export type { BreakerSettings } from "./breaker-settings.js";
export type { CircuitSnapshot, CircuitState } from "./circuit-snapshot.js";

export type BreakerTransition = "opened" | "half_opened" | "closed" | "reopened";

export type Admission =
  /** `transition` is "half_opened" when this admission moved the circuit from open to half_open. */
  | { allowed: true; probe: boolean; transition?: BreakerTransition }
  /** `retryAtMs`: when the circuit may let a probe through. */
  | { allowed: false; state: "open" | "half_open"; retryAtMs: number };

const TRANSITIONS: readonly string[] = ["opened", "half_opened", "closed", "reopened"] satisfies BreakerTransition[];

function transitionFrom(reply: string): BreakerTransition | undefined {
  if (reply === "") return undefined;
  if (TRANSITIONS.includes(reply)) return reply as BreakerTransition;
  throw new Error(`circuit breaker script returned an unknown transition ${JSON.stringify(reply)}`);
}

function admissionFrom(reply: [1, 0 | 1, string] | [0, string, number]): Admission {
  if (reply[0] === 1) {
    const probe = reply[1] === 1;
    const transition = transitionFrom(reply[2]);
    return transition ? { allowed: true, probe, transition } : { allowed: true, probe };
  }
  const [, state, retryAtMs] = reply;
  if (state !== "open" && state !== "half_open") {
    throw new Error(`circuit breaker script refused with an unknown state ${JSON.stringify(state)}`);
  }
  return { allowed: false, state, retryAtMs };
}

export class CircuitBreakers {
  private readonly keys: KeyNames;
  private readonly scripts: SwitchyardScripts;
  private readonly keyTtlMs: number;
  /** Reads in flight, by the deployment ids they cover (see snapshots()). */
  private readonly snapshotReads = new Map<string, Promise<ReadonlyMap<string, CircuitSnapshot>>>();

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = keyNames(prefix);
    this.scripts = defineScripts(redis);
    this.keyTtlMs = breakerKeyTtlMs(settings);
  }

  /** Whether a call to the deployment may start now; at most one caller at a time gets `probe: true`. */
  async admit(deploymentId: string): Promise<Admission> {
    const reply = await this.scripts.breakerAdmit(
      [this.keys.deploymentBreaker(deploymentId)],
      [this.now(), this.settings.resetTimeoutMs, this.settings.probeLeaseMs, this.keyTtlMs],
    );
    return admissionFrom(reply);
  }

  /** `probe`: the `probe` flag of the admission this call was started under. */
  recordSuccess(deploymentId: string, probe: boolean): Promise<BreakerTransition | undefined> {
    return this.record(deploymentId, "success", probe);
  }

  /** Only failures that say something about the deployment belong here (not the caller's bad requests). */
  recordFailure(deploymentId: string, probe: boolean): Promise<BreakerTransition | undefined> {
    return this.record(deploymentId, "failure", probe);
  }

  /** Opens the circuit now, whatever its counts (e.g. the provider rejected our credentials). */
  async trip(deploymentId: string): Promise<BreakerTransition | undefined> {
    const reply = await this.scripts.breakerTrip([this.keys.deploymentBreaker(deploymentId)], [this.now(), this.keyTtlMs]);
    return transitionFrom(reply);
  }

  /**
   * One round trip for many deployments (the dispatcher calls this per request; the API lists it).
   * A circuit whose reset timeout passed reads as half_open without changing anything; a deployment with
   * no key reads as closed with zero counts.
   *
   * Callers asking for the same deployments while a read is in flight share it (the dispatcher runs many rounds
   * at once, all asking for the whole fleet): what they get is at most one round trip old, which the ranking can
   * afford because a provider job asks `admit()` before every call anyway. At ~1 000 requests/s this turned one
   * pipelined read per request into a few per millisecond, and was 7% of the worker's CPU before.
   */
  snapshots(deploymentIds: readonly string[]): Promise<ReadonlyMap<string, CircuitSnapshot>> {
    const unique = [...new Set(deploymentIds)];
    const key = unique.join("\n");
    const inFlight = this.snapshotReads.get(key);
    if (inFlight) return inFlight;
    const read = this.readSnapshots(unique).finally(() => this.snapshotReads.delete(key));
    this.snapshotReads.set(key, read);
    return read;
  }

  private async readSnapshots(unique: readonly string[]): Promise<Map<string, CircuitSnapshot>> {
    const snapshots = new Map<string, CircuitSnapshot>();
    if (unique.length === 0) return snapshots;
    const pipeline = this.redis.pipeline();
    for (const deploymentId of unique) pipeline.hmget(this.keys.deploymentBreaker(deploymentId), ...CIRCUIT_FIELDS);
    const results = (await pipeline.exec()) ?? [];
    const nowMs = this.now();
    unique.forEach((deploymentId, index) => {
      const [error, values] = results[index] ?? [new Error("no reply"), undefined];
      if (error) throw error;
      snapshots.set(deploymentId, circuitSnapshotFrom(deploymentId, values as (string | null)[], nowMs, this.settings));
    });
    return snapshots;
  }

  /** Forgets the circuit entirely (an operator's reset): it reads as closed, counts and `openedTotal` at zero. */
  async reset(deploymentId: string): Promise<void> {
    await this.redis.del(this.keys.deploymentBreaker(deploymentId));
  }

  private async record(
    deploymentId: string,
    outcome: "success" | "failure",
    probe: boolean,
  ): Promise<BreakerTransition | undefined> {
    const { failureThreshold, failureRatio, minCalls, windowMs } = this.settings;
    const reply = await this.scripts.breakerRecord(
      [this.keys.deploymentBreaker(deploymentId)],
      [outcome, probe ? 1 : 0, this.now(), failureThreshold, failureRatio, minCalls, windowMs, this.keyTtlMs],
    );
    return transitionFrom(reply);
  }
}
