import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import fc from "fast-check";
import type { Redis } from "ioredis";
import { deploymentSchema } from "@switchyard/config";
import { createRedis } from "../redis-connection.js";
import { keyNames } from "../key-names.js";
import { RateLimitStore } from "../rate-limit-store.js";
import { FleetRateLimiter, type Grant, type LimitedBy, type LimiterSettings } from "./fleet-rate-limiter.js";

const WINDOW_MS = 10_000;
const LEASE_MS = 30_000;

describe("FleetRateLimiter (real Redis)", () => {
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  const keys = keyNames(prefix);
  // Two connections stand for two worker processes sharing the fleet's budgets.
  let redis: Redis;
  let otherRedis: Redis;
  let clock: { nowMs: number };
  let limiter: FleetRateLimiter;
  let otherLimiter: FleetRateLimiter;
  let deploymentId: string;
  let deploymentCount = 0;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    otherRedis = createRedis(inject("redisUrl"), "worker");
  });
  afterAll(async () => {
    await Promise.all([redis.quit(), otherRedis.quit()]);
  });
  beforeEach(() => {
    clock = { nowMs: 1_700_000_000_000 };
    limiter = new FleetRateLimiter(redis, prefix, () => clock.nowMs);
    otherLimiter = new FleetRateLimiter(otherRedis, prefix, () => clock.nowMs);
    deploymentId = `deployment-${++deploymentCount}`;
  });

  function limits(overrides: Partial<LimiterSettings> = {}): LimiterSettings {
    return { concurrency: 100, windowMs: WINDOW_MS, ...overrides };
  }

  async function acquire(settings: LimiterSettings, tokens = 0, id = deploymentId, on = limiter): Promise<Grant> {
    return on.acquire(id, settings, tokens, LEASE_MS);
  }

  async function leaseOf(settings: LimiterSettings, tokens = 0, id = deploymentId): Promise<string> {
    const grant = await acquire(settings, tokens, id);
    if (!grant.granted) throw new Error(`expected a grant, got ${JSON.stringify(grant)}`);
    return grant.leaseId;
  }

  async function snapshot(settings: LimiterSettings, id = deploymentId) {
    return (await limiter.snapshots([id], () => settings)).get(id);
  }

  describe("requests", () => {
    it("grants exactly rpm requests in a window, then refuses until the oldest leaves", async () => {
      const settings = limits({ rpm: 3 });
      const startMs = clock.nowMs;
      for (let i = 0; i < 3; i++) expect(await acquire(settings)).toMatchObject({ granted: true });
      expect(await acquire(settings)).toEqual({
        granted: false,
        waitMs: WINDOW_MS,
        limitedBy: "requests",
        exceedsWholeBudget: false,
      });

      clock.nowMs = startMs + WINDOW_MS - 1;
      expect(await acquire(settings)).toEqual({ granted: false, waitMs: 1, limitedBy: "requests", exceedsWholeBudget: false });
      clock.nowMs = startMs + WINDOW_MS;
      // All three were made at startMs: all of them have left.
      for (let i = 0; i < 3; i++) expect(await acquire(settings)).toMatchObject({ granted: true });
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "requests", waitMs: WINDOW_MS });
    });

    it("slides: each reservation leaves exactly windowMs after it was made", async () => {
      const settings = limits({ rpm: 3 });
      const startMs = clock.nowMs;
      await leaseOf(settings);
      clock.nowMs = startMs + 4_000;
      await leaseOf(settings);
      clock.nowMs = startMs + 8_000;
      await leaseOf(settings);

      clock.nowMs = startMs + WINDOW_MS - 1;
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "requests", waitMs: 1 });
      clock.nowMs = startMs + WINDOW_MS;
      expect(await acquire(settings)).toMatchObject({ granted: true });
      // The next to leave is the one made at +4000.
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "requests", waitMs: 4_000 });
      clock.nowMs = startMs + 4_000 + WINDOW_MS - 1;
      expect(await acquire(settings)).toMatchObject({ granted: false, waitMs: 1 });
      clock.nowMs += 1;
      expect(await acquire(settings)).toMatchObject({ granted: true });
      expect(await snapshot(settings)).toMatchObject({ requestsInWindow: 3, rpm: 3 });
    });

    it("never lets a burst straddling a fixed window's edge exceed rpm in any windowMs", async () => {
      // A fixed-window limiter would allow rpm at the end of one window and rpm more at the start of the next.
      const settings = limits({ rpm: 4 });
      const startMs = clock.nowMs;
      clock.nowMs = startMs + WINDOW_MS - 1;
      for (let i = 0; i < 4; i++) await leaseOf(settings);
      clock.nowMs = startMs + WINDOW_MS + 1;
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "requests", waitMs: WINDOW_MS - 2 });
    });

    it("honours an rpm lowered below what the window holds, waiting for the right reservation", async () => {
      const startMs = clock.nowMs;
      for (let i = 0; i < 4; i++) {
        clock.nowMs = startMs + i * 1_000;
        await leaseOf(limits());
      }
      // 4 in the window, rpm now 2: one more needs at most 1 left in it, so three must leave, the third at +2000.
      expect(await acquire(limits({ rpm: 2 }))).toMatchObject({
        granted: false,
        limitedBy: "requests",
        waitMs: startMs + 2_000 + WINDOW_MS - clock.nowMs,
      });
    });
  });

  describe("tokens", () => {
    it("reserves tokens and refuses what would pass tpm, until enough old reservations leave", async () => {
      const settings = limits({ tpm: 1_000 });
      const startMs = clock.nowMs;
      await leaseOf(settings, 300);
      clock.nowMs = startMs + 1_000;
      await leaseOf(settings, 300);
      clock.nowMs = startMs + 2_000;
      await leaseOf(settings, 300);

      clock.nowMs = startMs + 3_000;
      expect(await acquire(settings, 100)).toMatchObject({ granted: true });
      // Exactly tpm is reserved: not one token more fits.
      expect(await acquire(settings, 1)).toMatchObject({ granted: false, limitedBy: "tokens" });
      // 1000 reserved; 700 more need 700 to leave: the first three (300 + 300 + 100 is not enough before +2000).
      expect(await acquire(settings, 700)).toEqual({
        granted: false,
        waitMs: startMs + 2_000 + WINDOW_MS - clock.nowMs,
        limitedBy: "tokens",
        exceedsWholeBudget: false,
      });
      expect(await acquire(settings, 300)).toMatchObject({ limitedBy: "tokens", waitMs: startMs + WINDOW_MS - clock.nowMs });
      expect(await snapshot(settings)).toMatchObject({ requestsInWindow: 4, tokensInWindow: 1_000, tpm: 1_000 });

      clock.nowMs = startMs + WINDOW_MS;
      expect(await acquire(settings, 300)).toMatchObject({ granted: true });
    });

    it("corrects a reservation on release: fewer actual tokens give room back, more take it", async () => {
      const settings = limits({ tpm: 1_000 });
      const first = await leaseOf(settings, 600);
      expect(await acquire(settings, 500)).toMatchObject({ granted: false, limitedBy: "tokens" });

      await limiter.release(deploymentId, first, 300);
      expect(await snapshot(settings)).toMatchObject({ tokensInWindow: 300, inFlight: 0 });
      const second = await leaseOf(settings, 500);
      expect(await snapshot(settings)).toMatchObject({ tokensInWindow: 800 });

      // The provider counted more than reserved: the window is charged it, even past tpm.
      await otherLimiter.release(deploymentId, second, 900);
      expect(await snapshot(settings)).toMatchObject({ tokensInWindow: 1_200, requestsInWindow: 2 });
      expect(await acquire(settings, 0)).toMatchObject({ granted: false, limitedBy: "tokens" });

      // Releasing again sets the amount again rather than adding to it.
      await limiter.release(deploymentId, second, 700);
      expect(await snapshot(settings)).toMatchObject({ tokensInWindow: 1_000 });
      // Without actual tokens the reservation stays as it is.
      await limiter.release(deploymentId, second);
      expect(await snapshot(settings)).toMatchObject({ tokensInWindow: 1_000 });
    });

    it("drops a correction once its reservation has left the window", async () => {
      const settings = limits({ tpm: 1_000 });
      const lease = await leaseOf(settings, 600);
      clock.nowMs += WINDOW_MS;
      await leaseOf(settings, 100); // prunes the first reservation
      await limiter.release(deploymentId, lease, 1_000);
      expect(await snapshot(settings)).toMatchObject({ tokensInWindow: 100, requestsInWindow: 1 });
    });

    it("refuses at once a reservation larger than tpm, reserving nothing", async () => {
      const settings = limits({ tpm: 1_000, rpm: 5 });
      expect(await acquire(settings, 1_001)).toEqual({
        granted: false,
        waitMs: 0,
        limitedBy: "tokens",
        exceedsWholeBudget: true,
      });
      expect(await snapshot(settings)).toMatchObject({ inFlight: 0, requestsInWindow: 0, tokensInWindow: 0 });
      expect(await acquire(settings, 1_000)).toMatchObject({ granted: true });
    });

    it("is all or nothing: a token refusal takes no request and no slot", async () => {
      const settings = limits({ rpm: 2, tpm: 100, concurrency: 2 });
      await leaseOf(settings, 80);
      for (let i = 0; i < 3; i++) expect(await acquire(settings, 50)).toMatchObject({ granted: false, limitedBy: "tokens" });
      expect(await snapshot(settings)).toMatchObject({ inFlight: 1, requestsInWindow: 1, tokensInWindow: 80 });
      expect(await acquire(settings, 20)).toMatchObject({ granted: true });
      expect(await acquire(settings, 0)).toMatchObject({ granted: false });
    });
  });

  describe("concurrency", () => {
    it("holds at most `concurrency` leases, freed by release or by their expiry", async () => {
      const settings = limits({ concurrency: 2 });
      const first = await leaseOf(settings);
      clock.nowMs += 1_000;
      const secondAtMs = clock.nowMs;
      await leaseOf(settings);
      // The earliest lease ends in 29 s; a slot usually frees far sooner, so the wait is capped.
      expect(await acquire(settings)).toEqual({ granted: false, waitMs: 250, limitedBy: "concurrency", exceedsWholeBudget: false });

      await limiter.release(deploymentId, first);
      await limiter.release(deploymentId, first); // idempotent
      clock.nowMs += 1_000;
      const third = await leaseOf(settings);
      expect(await snapshot(settings)).toMatchObject({ inFlight: 2, requestsInWindow: 3 });

      // A crashed worker never releases: its lease frees itself at its end.
      clock.nowMs = secondAtMs + LEASE_MS - 100;
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "concurrency", waitMs: 100 });
      clock.nowMs += 100;
      expect(await acquire(settings)).toMatchObject({ granted: true });
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "concurrency" });
      await limiter.release(deploymentId, third);
      expect(await snapshot(settings)).toMatchObject({ inFlight: 1 });
    });

    it("keeps a running call's lease alive while it is extended, and only a live one", async () => {
      const settings = limits({ concurrency: 1 });
      const lease = await leaseOf(settings);
      clock.nowMs += LEASE_MS - 10;
      await limiter.extend(deploymentId, lease, LEASE_MS);
      clock.nowMs += LEASE_MS - 10;
      // Past the original end, still held: a long call keeps its slot.
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "concurrency" });
      await limiter.release(deploymentId, lease);
      // Extending a released lease does not bring it back.
      await limiter.extend(deploymentId, lease, LEASE_MS);
      expect(await snapshot(settings)).toMatchObject({ inFlight: 0 });
      expect(await acquire(settings)).toMatchObject({ granted: true });
    });

    it("reports the budget that frees last when several refuse", async () => {
      const settings = limits({ concurrency: 1, rpm: 1 });
      await leaseOf(settings);
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "requests", waitMs: WINDOW_MS });
      await limiter.pause(deploymentId, clock.nowMs + 2 * WINDOW_MS);
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "paused", waitMs: 2 * WINDOW_MS });
    });
  });

  describe("the provider's word", () => {
    it("lowers the budget to what the provider says remains, until its reset, then ignores it", async () => {
      const settings = limits({ rpm: 100, tpm: 100_000 });
      const observedAtMs = clock.nowMs;
      await limiter.observe(deploymentId, {
        observedAtMs,
        requests: { limit: 100, remaining: 2, resetAtMs: observedAtMs + 5_000 },
        tokens: { limit: 100_000, remaining: 1_000, resetAtMs: observedAtMs + 3_000 },
      });
      expect(await snapshot(settings)).toMatchObject({
        providerRequestsRemaining: 2,
        providerTokensRemaining: 1_000,
        providerResetAtMs: observedAtMs + 5_000,
      });

      expect(await acquire(settings, 400)).toMatchObject({ granted: true });
      expect(await otherLimiter.acquire(deploymentId, settings, 700, LEASE_MS)).toEqual({
        granted: false,
        waitMs: 3_000,
        limitedBy: "provider_tokens",
        exceedsWholeBudget: false,
      });
      expect(await acquire(settings, 600)).toMatchObject({ granted: true });
      expect(await acquire(settings, 0)).toMatchObject({ granted: false, limitedBy: "provider_requests", waitMs: 5_000 });
      expect(await snapshot(settings)).toMatchObject({ providerRequestsRemaining: 0, providerTokensRemaining: 0 });

      clock.nowMs = observedAtMs + 3_000;
      // The token figure has reset; the request figure still holds.
      expect(await acquire(settings, 5_000)).toMatchObject({ granted: false, limitedBy: "provider_requests", waitMs: 2_000 });
      expect(await snapshot(settings)).toMatchObject({ providerRequestsRemaining: 0, providerResetAtMs: observedAtMs + 5_000 });
      expect((await snapshot(settings))?.providerTokensRemaining).toBeUndefined();

      clock.nowMs = observedAtMs + 5_000;
      expect(await acquire(settings, 5_000)).toMatchObject({ granted: true });
      const after = await snapshot(settings);
      expect(after).toMatchObject({ requestsInWindow: 3, tokensInWindow: 6_000 });
      expect(after?.providerRequestsRemaining).toBeUndefined();
      expect(after?.providerResetAtMs).toBeUndefined();
    });

    it("keeps the latest observation and ignores one observed before it", async () => {
      const settings = limits();
      const nowMs = clock.nowMs;
      await limiter.observe(deploymentId, {
        observedAtMs: nowMs,
        requests: { remaining: 5, resetAtMs: nowMs + 10_000 },
      });
      // A slow response observed earlier arrives late: ignored.
      await otherLimiter.observe(deploymentId, {
        observedAtMs: nowMs - 1,
        requests: { remaining: 0, resetAtMs: nowMs + 10_000 },
        tokens: { remaining: 0, resetAtMs: nowMs + 10_000 },
      });
      expect(await snapshot(settings)).toMatchObject({ providerRequestsRemaining: 5 });
      expect((await snapshot(settings))?.providerTokensRemaining).toBeUndefined();
      expect(await acquire(settings, 10)).toMatchObject({ granted: true });

      // A later one replaces it whole; a figure without its reset time is not kept.
      await otherLimiter.observe(deploymentId, {
        observedAtMs: nowMs + 1,
        requests: { remaining: 1 },
        tokens: { remaining: 50, resetAtMs: nowMs + 2_000 },
      });
      const replaced = await snapshot(settings);
      expect(replaced).toMatchObject({ providerTokensRemaining: 50, providerResetAtMs: nowMs + 2_000 });
      expect(replaced?.providerRequestsRemaining).toBeUndefined();
      expect(await acquire(settings, 51)).toMatchObject({ granted: false, limitedBy: "provider_tokens", waitMs: 2_000 });
    });

    it("ends a call in one settle: frees the slot, corrects the reservation, records the provider's word", async () => {
      const settings = limits({ tpm: 1_000, concurrency: 1 });
      const lease = await leaseOf(settings, 600);
      const sentAtMs = clock.nowMs;
      clock.nowMs += 400;
      const state = {
        observedAtMs: clock.nowMs,
        requests: { limit: 100, remaining: 7, resetAtMs: sentAtMs + 5_000 },
        inputTokens: { remaining: 900, resetAtMs: sentAtMs + 9_000 },
        retryAfterMs: 0,
      };
      await otherLimiter.settle(deploymentId, { leaseId: lease, actualTokens: 250, observed: state, sentAtMs });
      expect(await snapshot(settings)).toMatchObject({ inFlight: 0, tokensInWindow: 250, providerRequestsRemaining: 7 });
      // The reported state is kept as reported (its own observedAtMs), for the API.
      expect(await new RateLimitStore(redis, prefix).get(deploymentId)).toEqual(state);

      // Ordered by sentAtMs, not by when the answer was read: an answer to a call sent earlier is ignored whole.
      await limiter.settle(deploymentId, {
        observed: { observedAtMs: clock.nowMs + 1, requests: { remaining: 0, resetAtMs: sentAtMs + 5_000 } },
        sentAtMs: sentAtMs - 1,
      });
      expect(await snapshot(settings)).toMatchObject({ providerRequestsRemaining: 7 });
      expect(await new RateLimitStore(redis, prefix).get(deploymentId)).toEqual(state);
    });

    it("records an observation from a call that held no lease (the limiter bypassed), touching no budget", async () => {
      const settings = limits({ tpm: 1_000 });
      const lease = await leaseOf(settings, 600);
      const state = { observedAtMs: clock.nowMs, tokens: { remaining: 5_000, resetAtMs: clock.nowMs + 2 * 60_000 } };
      await limiter.settle(deploymentId, { actualTokens: 10, observed: state });
      expect(await snapshot(settings)).toMatchObject({ inFlight: 1, tokensInWindow: 600, providerTokensRemaining: 5_000 });
      await limiter.release(deploymentId, lease, 600);

      // On a deployment no grant ever touched, the observation creates the state hash, expiring after the reset.
      const other = `${deploymentId}-bypassed`;
      await limiter.settle(other, { observed: state });
      const ttlMs = await redis.pttl(keys.limiter("deployment", other).main);
      expect(ttlMs).toBeGreaterThan(2 * 60_000 - 1_000);
      expect(ttlMs).toBeLessThanOrEqual(2 * 60_000);
      expect(await new RateLimitStore(redis, prefix).get(other)).toEqual(state);
      // A settle with neither lease nor observation touches nothing.
      await limiter.settle(`${deploymentId}-nothing`, { actualTokens: 5 });
      expect(await redis.exists(keys.limiter("deployment", `${deploymentId}-nothing`).main)).toBe(0);
    });

    it("pauses only the deployment that was told to wait, and pauses only lengthen", async () => {
      const settings = limits();
      const sibling = `${deploymentId}-sibling`;
      const untilMs = clock.nowMs + 2_000;
      await limiter.pause(deploymentId, untilMs);
      await otherLimiter.pause(deploymentId, clock.nowMs + 500);

      expect(await acquire(settings)).toEqual({ granted: false, waitMs: 2_000, limitedBy: "paused", exceedsWholeBudget: false });
      expect(await acquire(settings, 0, sibling)).toMatchObject({ granted: true });
      const snapshots = await limiter.snapshots([deploymentId, sibling], () => settings);
      expect(snapshots.get(deploymentId)).toMatchObject({ pausedUntilMs: untilMs, inFlight: 0, requestsInWindow: 0 });
      expect(snapshots.get(sibling)?.pausedUntilMs).toBeUndefined();

      clock.nowMs = untilMs - 1;
      expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "paused", waitMs: 1 });
      clock.nowMs = untilMs;
      expect(await acquire(settings)).toMatchObject({ granted: true });
      expect((await snapshot(settings))?.pausedUntilMs).toBeUndefined();
      // A pause already over changes nothing.
      await limiter.pause(deploymentId, clock.nowMs - 1);
      expect(await acquire(settings)).toMatchObject({ granted: true });
    });
  });

  describe("the fleet", () => {
    it("never grants more than rpm, however many processes ask at once", async () => {
      const settings = limits({ rpm: 20 });
      const grants = await Promise.all(
        Array.from({ length: 60 }, (_, i) => acquire(settings, 0, deploymentId, i % 2 === 0 ? limiter : otherLimiter)),
      );
      expect(grants.filter((grant) => grant.granted)).toHaveLength(20);
      expect(new Set(grants.flatMap((grant) => (grant.granted ? [grant.leaseId] : []))).size).toBe(20);
      expect(grants.filter((grant) => !grant.granted)).toEqual(
        Array.from({ length: 40 }, () => ({ granted: false, waitMs: WINDOW_MS, limitedBy: "requests", exceedsWholeBudget: false })),
      );
      expect(await snapshot(settings)).toMatchObject({ requestsInWindow: 20, inFlight: 20 });
    });

    it("never holds more than `concurrency` calls in flight, however many processes ask at once", async () => {
      const settings = limits({ concurrency: 7, tpm: 1_000_000 });
      const race = () =>
        Promise.all(
          Array.from({ length: 60 }, (_, i) => acquire(settings, 1_000, deploymentId, i % 2 === 0 ? limiter : otherLimiter)),
        );
      const granted = (await race()).flatMap((grant) => (grant.granted ? [grant.leaseId] : []));
      expect(granted).toHaveLength(7);

      await Promise.all(granted.slice(0, 3).map((leaseId) => otherLimiter.release(deploymentId, leaseId, 10)));
      expect((await race()).filter((grant) => grant.granted)).toHaveLength(3);
      expect(await snapshot(settings)).toMatchObject({ inFlight: 7, requestsInWindow: 10, tokensInWindow: 7_030 });
    });
  });

  describe("against a model of its rules", () => {
    // Random interleavings of bursts of acquires (two processes, one instant), releases and clock moves,
    // replayed against the rules written out plainly: every decision, budget and wait must match.
    const settings = limits({ rpm: 5, tpm: 1_000, concurrency: 3 });
    interface ModelGrant {
      leaseId: string;
      atMs: number;
      tokens: number;
      leaseUntilMs: number;
      released: boolean;
    }
    // Round amounts and durations, so sums land exactly on tpm and clocks exactly on a lease's or a
    // reservation's end (where off-by-one mistakes live), mixed with arbitrary ones.
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant("advance" as const),
        ms: fc.oneof(fc.constantFrom(0, 1, 499, 500, 1_000, 2_500, 5_000), fc.integer({ min: 0, max: 4_000 })),
      }),
      fc.record({
        kind: fc.constant("burst" as const),
        size: fc.integer({ min: 1, max: 6 }),
        tokens: fc.oneof(fc.constantFrom(0, 1, 100, 200, 250, 500, 1_000, 1_001), fc.integer({ min: 0, max: 1_100 })),
        leaseMs: fc.oneof(fc.constantFrom(500, 1_000, 2_500), fc.integer({ min: 500, max: 20_000 })),
      }),
      fc.record({
        kind: fc.constant("release" as const),
        pick: fc.nat(),
        actualShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      }),
    );

    function expectedRefusal(grants: ModelGrant[], nowMs: number, tokens: number) {
      if (tokens > 1_000) return { waitMs: 0, limitedBy: "tokens", exceedsWholeBudget: true };
      const inWindow = grants.filter((grant) => grant.atMs > nowMs - WINDOW_MS).sort((a, b) => a.atMs - b.atMs);
      const refusals: { limitedBy: LimitedBy; waitMs: number }[] = [];
      if (inWindow.length >= 5) {
        refusals.push({ limitedBy: "requests", waitMs: inWindow[inWindow.length - 5]!.atMs + WINDOW_MS - nowMs });
      }
      const needed = inWindow.reduce((sum, grant) => sum + grant.tokens, 0) + tokens - 1_000;
      if (needed > 0) {
        let freed = 0;
        const leaving = inWindow.find((grant) => (freed += grant.tokens) >= needed);
        refusals.push({ limitedBy: "tokens", waitMs: leaving!.atMs + WINDOW_MS - nowMs });
      }
      const leases = grants.filter((grant) => !grant.released && grant.leaseUntilMs > nowMs);
      if (leases.length >= 3) {
        const earliest = Math.min(...leases.map((grant) => grant.leaseUntilMs));
        refusals.push({ limitedBy: "concurrency", waitMs: Math.min(250, earliest - nowMs) });
      }
      // The one that frees last; ties in the order requests, tokens, concurrency.
      const chosen = refusals.reduce<(typeof refusals)[number] | undefined>(
        (best, refusal) => (best === undefined || refusal.waitMs > best.waitMs ? refusal : best),
        undefined,
      );
      return chosen && { ...chosen, exceedsWholeBudget: false };
    }

    it("grants, refuses and reports waits exactly as the rules say", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
          const id = `${deploymentId}-model-${randomBytes(4).toString("hex")}`;
          const grants: ModelGrant[] = [];
          for (const step of operations) {
            if (step.kind === "advance") {
              clock.nowMs += step.ms;
            } else if (step.kind === "release") {
              const grant = grants[step.pick % Math.max(1, grants.length)];
              if (!grant) continue;
              const actualTokens = step.actualShare === undefined ? undefined : Math.floor(grant.tokens * step.actualShare);
              await (step.pick % 2 === 0 ? limiter : otherLimiter).release(id, grant.leaseId, actualTokens);
              grant.released = true;
              if (actualTokens !== undefined && grant.atMs > clock.nowMs - WINDOW_MS) grant.tokens = actualTokens;
            } else {
              const replies = await Promise.all(
                Array.from({ length: step.size }, (_, i) =>
                  (i % 2 === 0 ? limiter : otherLimiter).acquire(id, settings, step.tokens, step.leaseMs),
                ),
              );
              // Equal requests at one instant: whatever order Redis ran them in, the grants came first.
              for (const reply of [...replies].sort((a, b) => Number(b.granted) - Number(a.granted))) {
                const expected = expectedRefusal(grants, clock.nowMs, step.tokens);
                if (reply.granted) {
                  expect(expected).toBeUndefined();
                  grants.push({
                    leaseId: reply.leaseId,
                    atMs: clock.nowMs,
                    tokens: step.tokens,
                    leaseUntilMs: clock.nowMs + step.leaseMs,
                    released: false,
                  });
                } else {
                  expect(reply).toEqual({ granted: false, ...expected });
                }
              }
            }
          }
          const inWindow = grants.filter((grant) => grant.atMs > clock.nowMs - WINDOW_MS);
          expect((await limiter.snapshots([id], () => settings)).get(id)).toMatchObject({
            requestsInWindow: inWindow.length,
            tokensInWindow: inWindow.reduce((sum, grant) => sum + grant.tokens, 0),
            inFlight: grants.filter((grant) => !grant.released && grant.leaseUntilMs > clock.nowMs).length,
          });
          // And the promise itself: no interval of windowMs ever held more than rpm requests or tpm tokens.
          for (const last of grants) {
            const held = grants.filter((grant) => grant.atMs <= last.atMs && grant.atMs > last.atMs - WINDOW_MS);
            expect(held.length).toBeLessThanOrEqual(5);
            expect(held.reduce((sum, grant) => sum + grant.tokens, 0)).toBeLessThanOrEqual(1_000);
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  describe("snapshots", () => {
    it("reads many deployments in one call; unknown ones read as idle", async () => {
      const busy = deploymentId;
      const unknown = `${deploymentId}-unknown`;
      const settingsOf = (id: string) => (id === busy ? limits({ rpm: 10, tpm: 5_000, concurrency: 4 }) : limits());
      await leaseOf(settingsOf(busy), 1_200);
      const released = await leaseOf(settingsOf(busy), 300);
      await limiter.release(busy, released, 100);

      const snapshots = await otherLimiter.snapshots([busy, unknown, busy], settingsOf);
      expect([...snapshots.keys()]).toEqual([busy, unknown]);
      expect(snapshots.get(busy)).toEqual({
        deploymentId: busy,
        inFlight: 1,
        requestsInWindow: 2,
        tokensInWindow: 1_300,
        rpm: 10,
        tpm: 5_000,
        concurrency: 4,
      });
      expect(snapshots.get(unknown)).toEqual({
        deploymentId: unknown,
        inFlight: 0,
        requestsInWindow: 0,
        tokensInWindow: 0,
        concurrency: 100,
      });
      expect(await limiter.snapshots([], settingsOf)).toEqual(new Map());
    });

    it("leaves expired reservations and leases out without writing anything", async () => {
      const settings = limits({ tpm: 10_000 });
      await leaseOf(settings, 700);
      clock.nowMs += WINDOW_MS;
      expect(await snapshot(settings)).toMatchObject({ inFlight: 1, requestsInWindow: 0, tokensInWindow: 0 });
      clock.nowMs += LEASE_MS;
      expect(await snapshot(settings)).toMatchObject({ inFlight: 0 });
      // Still stored: only an acquire prunes.
      expect(await redis.zcard(keys.limiter("deployment", deploymentId).window)).toBe(1);
    });
  });

  it("keeps its keys under the prefix, expiring windowMs + leaseMs after the latest grant, never sooner", async () => {
    const settings = limits({ rpm: 5, tpm: 1_000 });
    const allKeys = [
      keys.limiter("deployment", deploymentId).main,
      keys.limiter("deployment", deploymentId).window,
      keys.limiter("deployment", deploymentId).tokens,
      keys.limiter("deployment", deploymentId).leases,
    ];
    expect(allKeys[0]).toBe(`${prefix}:deployment:${deploymentId}:limiter`);
    await limiter.acquire(deploymentId, settings, 10, 5 * LEASE_MS);
    for (const key of allKeys) {
      const ttlMs = await redis.pttl(key);
      expect(ttlMs).toBeGreaterThan(WINDOW_MS + 5 * LEASE_MS - 1_000);
      expect(ttlMs).toBeLessThanOrEqual(WINDOW_MS + 5 * LEASE_MS);
    }
    // A later, shorter lease does not cut the long one's keys short.
    await limiter.acquire(deploymentId, settings, 10, 1_000);
    for (const key of allKeys) expect(await redis.pttl(key)).toBeGreaterThan(WINDOW_MS + 5 * LEASE_MS - 1_000);

    // Refusals write no TTL, and a release never creates a key.
    const other = `${deploymentId}-other`;
    await limiter.release(other, "no-such-lease", 50);
    await limiter.acquire(other, settings, 5_000, LEASE_MS);
    expect(await redis.exists(keys.limiter("deployment", other).main, keys.limiter("deployment", other).window)).toBe(0);
  });

  it("runs on the configured defaults: 16 calls in flight, requests and tokens unlimited", async () => {
    const settings: LimiterSettings = deploymentSchema.shape.limits.parse(undefined);
    expect(settings).toEqual({ concurrency: 16, windowMs: 60_000 });
    for (let i = 0; i < 16; i++) expect(await acquire(settings, 100_000)).toMatchObject({ granted: true });
    expect(await acquire(settings)).toMatchObject({ granted: false, limitedBy: "concurrency" });
    expect(await snapshot(settings)).toEqual({
      deploymentId,
      inFlight: 16,
      requestsInWindow: 16,
      tokensInWindow: 1_600_000,
      concurrency: 16,
    });
  });

  it("refuses malformed token counts and leases before touching Redis", async () => {
    await expect(limiter.acquire(deploymentId, limits(), 1.5, LEASE_MS)).rejects.toThrow(RangeError);
    await expect(limiter.acquire(deploymentId, limits(), -1, LEASE_MS)).rejects.toThrow(RangeError);
    await expect(limiter.acquire(deploymentId, limits(), 1, 0)).rejects.toThrow(RangeError);
    await expect(limiter.release(deploymentId, "lease", Number.NaN)).rejects.toThrow(RangeError);
    await expect(limiter.settle(deploymentId, { leaseId: "lease", actualTokens: -1 })).rejects.toThrow(RangeError);
  });
});
