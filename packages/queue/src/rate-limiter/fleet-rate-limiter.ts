/**
 * A fleet-wide, token-aware rate limiter per deployment: however many API and worker processes call a
 * deployment, together they never exceed its `limits` (rpm, tpm per `windowMs`, concurrency), and the
 * provider's own rate-limit headers and 429s lower that budget further until they say it resets.
 *
 * The budgets, checked all at once by acquire() (all granted, or nothing reserved)
 * --------------------------------------------------------------------------------
 * - Requests and tokens: a SLIDING window. Each grant reserves one request and `tokens` tokens (the
 *   estimated input plus the maximum output) at `now`; a reservation counts until `windowMs` later. So in
 *   ANY interval of `windowMs`, at most `rpm` requests and `tpm` tokens are reserved, which keeps us within
 *   a provider enforcing fixed windows that open with the first request (apps/provider-sim), wherever its
 *   windows happen to fall. Refused, `waitMs` is when enough old reservations will have left: for requests
 *   the oldest one's time + windowMs − now; for tokens, walking from the oldest until the tokens freed cover
 *   what is missing. A reservation larger than `tpm` can never fit: it is refused with exceedsWholeBudget.
 * - Concurrency: each grant holds an in-flight lease until settle(), or until `leaseMs` has passed (so a
 *   crashed worker's slot frees itself). Refused, `waitMs` is the time until the earliest lease expires but
 *   at most CONCURRENCY_WAIT_CAP_MS: a lease is sized for the slowest call and a crash, while slots are
 *   usually freed by settle() much sooner, and nothing tells the waiter when; asking again every 250 ms
 *   costs one cheap script call and stays far below a provider call's latency.
 * - The provider's word (settle() with `observed`, or observe()): while a budget's reset lies ahead, a grant
 *   also needs the provider's remaining requests ≥ 1 and remaining tokens ≥ `tokens`, and takes them off;
 *   past the reset the figures are ignored. The latest observation (by `sentAtMs`: the worker passes when the
 *   call was *sent*) replaces the previous one whole; an older one arriving late is ignored. Only the combined
 *   `tokens` budget is used: a reservation is not split into input and output, so `inputTokens`/`outputTokens`
 *   (Anthropic's separate limits) are left to our own tpm and to 429s. The whole reported state is kept
 *   beside the figures, for the API to show (RateLimitStore reads it): one write per observation.
 * - A 429 (pause()): every acquire is refused with `limitedBy: "paused"` until the given time; pauses only
 *   lengthen. Only that deployment pauses: its siblings on the same provider have their own keys and limits.
 * When several budgets refuse, the reply names the one that frees last (waiting less would only be refused
 * again); ties go to paused, provider_requests, provider_tokens, requests, tokens, concurrency, in that order.
 *
 * settle() ends a call in one script: it frees the slot (idempotent), corrects the reservation to the call's
 * actual tokens while it is still in the window, so a call that used less than it reserved gives the rest
 * back and one that used more (a provider counting differently) is charged it, and records the provider's
 * word when the answer carried any. release() and observe() are its two halves alone.
 *
 * Redis
 * -----
 * Four keys per deployment, under the prefix's hash tag (key-names.ts), moved only by lua/limiter-*.lua:
 * a state hash (`:limiter`: the running token total, pausedUntilMs, the provider's figures and its whole
 * reported state as JSON, which RateLimitStore reads for the API), the window (`:limiter:window`, a
 * sorted set of lease ids scored by reservation time), each reservation's tokens (`:limiter:tokens`, a
 * hash) and the leases (`:limiter:leases`, a sorted set scored by expiry). One lease
 * id names both a call's reservation and its slot. Deciding in Lua makes a grant atomic across the fleet
 * without WATCH/MULTI retries, which would cost round trips and contention at ~1000 calls/s.
 *
 * Cost: acquire() is one EVALSHA: ZADD ×2, HSET ×2 and ZCARD ×2 (O(log n)), plus pruning what expired,
 * O(log n) per entry removed and each entry removed once (amortized O(log n) per call). A token refusal
 * walks the window from the oldest reservation, at most 2000 entries (past that it reports when the last
 * one walked leaves, a lower bound). settle() is one EVALSHA of O(log n). snapshots() is one pipelined
 * round trip, however many deployments. Keys live `windowMs + leaseMs` after the latest grant
 * (limiterKeyTtlMs, never shortened); the window holds one entry per call of the last `windowMs`, even with
 * rpm and tpm unset, so snapshots count and a limit set later sees the traffic already sent. Measured at
 * 1000 calls/s with a one-minute window (60 000 entries): about 11 MB, and about 20 µs of Redis time per
 * acquire or release (an observation adds a few O(1) hash writes to settle()); a token refusal walking the
 * whole 2000 entries, about 2 ms.
 *
 * Limits, knowingly accepted
 * --------------------------
 * - The clock is the caller's (`now`, injected for tests): processes whose clocks disagree by a few ms move
 *   the window by that much, noise against a window of a minute.
 * - The provider's remaining counts are what it had seen when it answered: calls we granted that it had not
 *   received yet are not taken off again, so the fleet may overshoot them by up to its calls in flight; the
 *   429 that follows pauses the deployment. Tokens given back on settle() are not given back to the
 *   provider's figure (providers charge the reservation too); the next observation corrects it.
 * - A correction on settle() is dropped once the reservation left the window (it no longer counts), and
 *   freeing or correcting does not lengthen the keys' TTL: it never creates a key, and what it touches matters
 *   only until the reservation leaves the window and the lease ends, which the grant's TTL already covers.
 * - `retryAfterMs` in an observation is not a pause: the caller calls pause() on a 429.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { RateLimitState } from "@switchyard/contracts";
import { keyNames, type KeyNames, type LimiterScope } from "../key-names.js";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";
import { limiterKeyTtlMs, type LimiterSettings } from "./limiter-settings.js";
import { limiterSnapshotFrom, type LimiterSnapshot } from "./limiter-snapshot.js";

export type { LimiterSettings } from "./limiter-settings.js";
export type { LimiterSnapshot } from "./limiter-snapshot.js";

export type LimitedBy = "requests" | "tokens" | "concurrency" | "provider_requests" | "provider_tokens" | "paused";

export type Grant =
  | { granted: true; leaseId: string }
  /** exceedsWholeBudget: tokens > tpm, waiting cannot help (waitMs is then 0). */
  | { granted: false; waitMs: number; limitedBy: LimitedBy; exceedsWholeBudget: boolean };

/** The longest a concurrency refusal asks to wait (see the comment at the top). */
const CONCURRENCY_WAIT_CAP_MS = 250;
/**
 * How long an observation is kept at least (to tell a late, older one, and for the API to show it), and at
 * most (a bogus reset).
 */
const MIN_OBSERVATION_TTL_MS = 60_000;
const MAX_OBSERVATION_TTL_MS = 24 * 3600_000;

const LIMITED_BY: readonly string[] = [
  "requests",
  "tokens",
  "concurrency",
  "provider_requests",
  "provider_tokens",
  "paused",
] satisfies LimitedBy[];

function grantFrom(reply: [1] | [0, string, number, 0 | 1], leaseId: string): Grant {
  if (reply[0] === 1) return { granted: true, leaseId };
  const [, limitedBy, waitMs, exceedsWholeBudget] = reply;
  if (!LIMITED_BY.includes(limitedBy)) {
    throw new Error(`rate limiter script refused with an unknown budget ${JSON.stringify(limitedBy)}`);
  }
  return { granted: false, waitMs, limitedBy: limitedBy as LimitedBy, exceedsWholeBudget: exceedsWholeBudget === 1 };
}

function requireCount(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer ≥ ${minimum}, got ${value}`);
  }
}

/** How a provider call ended, for settle(). */
export interface CallSettlement {
  /** The grant's lease, to free; omitted when the call held none (the limiter bypassed, BullMQ limiting instead). */
  leaseId?: string;
  /** The call's actual tokens, to correct the reservation to; omitted keeps the reservation. */
  actualTokens?: number;
  /** What the provider's rate-limit headers said, if anything: stored as reported. */
  observed?: RateLimitState;
  /**
   * Orders observations (default: `observed.observedAtMs`). The worker passes when the call was sent: a slow
   * answer to an earlier call carries an older, higher "remaining" than answers that arrived before it, and
   * must not overwrite them.
   */
  sentAtMs?: number;
}

export class FleetRateLimiter {
  private readonly keys: KeyNames;
  private readonly scripts: SwitchyardScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number = Date.now,
    /** Whose budgets these are: deployments (provider limits) or tenants (per-tenant limits at the API). */
    private readonly scope: LimiterScope = "deployment",
  ) {
    this.keys = keyNames(prefix);
    this.scripts = defineScripts(redis);
  }

  /** Before a call: reserve one request, `tokens` tokens (estimated input + max output) and one in-flight slot, all or nothing. */
  async acquire(deploymentId: string, settings: LimiterSettings, tokens: number, leaseMs: number): Promise<Grant> {
    requireCount("tokens", tokens, 0);
    requireCount("leaseMs", leaseMs, 1);
    const leaseId = randomBytes(12).toString("base64url");
    const reply = await this.scripts.limiterAcquire(this.allKeys(deploymentId), [
      leaseId,
      this.now(),
      tokens,
      settings.rpm ?? "",
      settings.tpm ?? "",
      settings.concurrency,
      settings.windowMs,
      leaseMs,
      limiterKeyTtlMs(settings, leaseMs),
      CONCURRENCY_WAIT_CAP_MS,
    ]);
    return grantFrom(reply, leaseId);
  }

  /**
   * After the call (success or failure), one script for all of it: frees the in-flight slot, corrects the token
   * reservation to `actualTokens` (undefined: keep the reservation) and records what the provider's headers said.
   */
  async settle(deploymentId: string, settlement: CallSettlement): Promise<void> {
    const { leaseId, actualTokens, observed } = settlement;
    if (actualTokens !== undefined) requireCount("actualTokens", actualTokens, 0);
    const keys = this.keysOf(deploymentId);
    const observation = observed ? this.observationArgs(observed, settlement.sentAtMs ?? observed.observedAtMs) : [""];
    await this.scripts.limiterSettle([keys.main, keys.tokens, keys.leases], [leaseId ?? "", actualTokens ?? "", ...observation]);
  }

  /** settle() for a call whose answer carried no rate-limit headers. */
  async release(deploymentId: string, leaseId: string, actualTokens?: number): Promise<void> {
    await this.settle(deploymentId, { leaseId, actualTokens });
  }

  /**
   * Keeps a running call's in-flight lease alive for another `leaseMs` (a heartbeat, like BullMQ's lock renewal):
   * leases can then be short, so a crashed worker's slots come back within one lease, while a long call keeps its
   * slot. Only moves an existing lease later; a lease already released or expired stays gone.
   */
  async extend(deploymentId: string, leaseId: string, leaseMs: number): Promise<void> {
    const key = this.keysOf(deploymentId).leases;
    await Promise.all([this.redis.zadd(key, "XX", "GT", this.now() + leaseMs, leaseId), this.redis.pexpire(key, 2 * leaseMs, "GT")]);
  }

  /** What the provider's headers said, apart from any call's lease: lowers the budget to what remains until its reset. */
  async observe(deploymentId: string, state: RateLimitState): Promise<void> {
    await this.settle(deploymentId, { observed: state });
  }

  /** A 429: pause this deployment (only this one) until `untilMs` (now + the provider's retryAfterMs). */
  async pause(deploymentId: string, untilMs: number): Promise<void> {
    const ttlMs = Math.ceil(untilMs - this.now());
    if (ttlMs <= 0) return;
    await this.scripts.limiterPause([this.keysOf(deploymentId).main], [untilMs, ttlMs]);
  }

  /**
   * One round trip for many deployments (the dispatcher and the API's listing). Reads only: reservations
   * and leases that expired read as gone, a lapsed pause or provider budget as absent; a deployment with
   * no keys reads as idle.
   */
  async snapshots(
    deploymentIds: readonly string[],
    settings: (id: string) => LimiterSettings,
  ): Promise<Map<string, LimiterSnapshot>> {
    const snapshots = new Map<string, LimiterSnapshot>();
    const unique = [...new Set(deploymentIds)];
    if (unique.length === 0) return snapshots;
    const nowMs = this.now();
    const pipeline = this.redis.pipeline();
    for (const deploymentId of unique) {
      this.scripts.limiterSnapshot(pipeline, this.allKeys(deploymentId), [nowMs, settings(deploymentId).windowMs]);
    }
    const results = (await pipeline.exec()) ?? [];
    unique.forEach((deploymentId, index) => {
      const [error, reply] = results[index] ?? [new Error("no reply"), undefined];
      if (error) throw error;
      snapshots.set(deploymentId, limiterSnapshotFrom(deploymentId, reply as (string | number)[], settings(deploymentId), nowMs));
    });
    return snapshots;
  }

  /** limiter-settle-3.lua's ARGV[3..9]. */
  private observationArgs(state: RateLimitState, sentAtMs: number): (string | number)[] {
    const { requests, tokens, inputTokens, outputTokens } = state;
    // Kept while anything it reports still holds, so the API shows it as long as it is true.
    const untilMs = Math.max(
      state.observedAtMs + (state.retryAfterMs ?? 0),
      ...[requests, tokens, inputTokens, outputTokens].flatMap((window) => (window?.resetAtMs === undefined ? [] : [window.resetAtMs])),
    );
    const ttlMs = Math.min(MAX_OBSERVATION_TTL_MS, Math.max(MIN_OBSERVATION_TTL_MS, untilMs - this.now()));
    return [
      sentAtMs,
      requests?.remaining ?? "",
      requests?.resetAtMs ?? "",
      tokens?.remaining ?? "",
      tokens?.resetAtMs ?? "",
      JSON.stringify(state),
      Math.ceil(ttlMs),
    ];
  }

  private allKeys(deploymentId: string): [string, string, string, string] {
    const keys = this.keysOf(deploymentId);
    return [keys.main, keys.window, keys.tokens, keys.leases];
  }

  private keysOf(id: string) {
    return this.keys.limiter(this.scope, id);
  }
}
