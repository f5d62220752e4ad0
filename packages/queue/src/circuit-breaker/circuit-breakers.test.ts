import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { resilienceSchema } from "@switchyard/config";
import { createRedis } from "../redis-connection.js";
import { keyNames } from "../key-names.js";
import { CircuitBreakers, type Admission, type BreakerSettings } from "./circuit-breakers.js";

const settings: BreakerSettings = {
  failureThreshold: 3,
  failureRatio: 0.5,
  minCalls: 6,
  windowMs: 10_000,
  resetTimeoutMs: 5_000,
  probeLeaseMs: 20_000,
};

describe("CircuitBreakers (real Redis)", () => {
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  const keys = keyNames(prefix);
  // Two connections stand for two processes (an API and a worker) sharing the fleet's circuits.
  let redis: Redis;
  let otherRedis: Redis;
  let clock: { nowMs: number };
  let breakers: CircuitBreakers;
  let otherBreakers: CircuitBreakers;
  let deploymentId: string;
  let deploymentCount = 0;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    otherRedis = createRedis(inject("redisUrl"), "producer");
  });
  afterAll(async () => {
    await Promise.all([redis.quit(), otherRedis.quit()]);
  });
  beforeEach(() => {
    clock = { nowMs: 1_700_000_000_000 };
    breakers = new CircuitBreakers(redis, prefix, settings, () => clock.nowMs);
    otherBreakers = new CircuitBreakers(otherRedis, prefix, settings, () => clock.nowMs);
    deploymentId = `deployment-${++deploymentCount}`;
  });

  async function failTimes(count: number, on = breakers) {
    const transitions = [];
    for (let i = 0; i < count; i++) transitions.push(await on.recordFailure(deploymentId, false));
    return transitions;
  }

  async function openedAt(): Promise<number> {
    await failTimes(settings.failureThreshold);
    return clock.nowMs;
  }

  async function snapshot(id = deploymentId) {
    return (await breakers.snapshots([id])).get(id);
  }

  it("lets calls through a closed circuit without writing anything", async () => {
    expect(await breakers.admit(deploymentId)).toEqual({ allowed: true, probe: false });
    expect(await redis.exists(keys.deploymentBreaker(deploymentId))).toBe(0);
    expect(await snapshot()).toEqual({ deploymentId, state: "closed", failures: 0, calls: 0, openedTotal: 0 });
  });

  it("opens after failureThreshold failures in the window, and refuses until the reset timeout", async () => {
    expect(await breakers.recordSuccess(deploymentId, false)).toBeUndefined();
    expect(await failTimes(3)).toEqual([undefined, undefined, "opened"]);
    const openedAtMs = clock.nowMs;

    expect(await breakers.admit(deploymentId)).toEqual({ allowed: false, state: "open", retryAtMs: openedAtMs + 5_000 });
    clock.nowMs += 4_999;
    expect(await breakers.admit(deploymentId)).toEqual({ allowed: false, state: "open", retryAtMs: openedAtMs + 5_000 });
    expect(await snapshot()).toEqual({
      deploymentId,
      state: "open",
      failures: 0,
      calls: 0,
      openedAtMs,
      retryAtMs: openedAtMs + 5_000,
      openedTotal: 1,
    });
  });

  it("opens on the failure ratio once minCalls calls were counted, even on a success", async () => {
    const lenient = new CircuitBreakers(redis, prefix, { ...settings, failureThreshold: 100 }, () => clock.nowMs);
    for (let i = 0; i < 5; i++) expect(await lenient.recordFailure(deploymentId, false)).toBeUndefined();
    expect(await snapshot()).toMatchObject({ state: "closed", failures: 5, calls: 5 });
    // The sixth call brings the calls to minCalls, with 5/6 failed.
    expect(await lenient.recordSuccess(deploymentId, false)).toBe("opened");
    expect(await lenient.admit(deploymentId)).toMatchObject({ allowed: false, state: "open" });
  });

  it("does not open while the failure ratio stays below failureRatio", async () => {
    const lenient = new CircuitBreakers(redis, prefix, { ...settings, failureThreshold: 100 }, () => clock.nowMs);
    const outcomes = ["success", "success", "failure", "success", "failure", "success", "failure"] as const;
    for (const outcome of outcomes) {
      const transition =
        outcome === "success" ? await lenient.recordSuccess(deploymentId, false) : await lenient.recordFailure(deploymentId, false);
      expect(transition).toBeUndefined();
    }
    expect(await snapshot()).toMatchObject({ state: "closed", failures: 3, calls: 7 });
    // 4 of 8: exactly the ratio opens it.
    expect(await lenient.recordFailure(deploymentId, false)).toBe("opened");
  });

  it("restarts the counting window once windowMs has passed since it began", async () => {
    const windowStartMs = clock.nowMs;
    await failTimes(2);
    clock.nowMs += 9_999;
    expect(await snapshot()).toMatchObject({ failures: 2, calls: 2, windowStartMs });

    clock.nowMs += 1; // the window began windowMs ago: it reads as empty, and the next result starts a new one
    expect(await snapshot()).toEqual({ deploymentId, state: "closed", failures: 0, calls: 0, openedTotal: 0 });
    expect(await failTimes(2)).toEqual([undefined, undefined]);
    expect(await snapshot()).toMatchObject({ state: "closed", failures: 2, calls: 2, windowStartMs: clock.nowMs });
    expect(await failTimes(1)).toEqual(["opened"]);
  });

  it("lets exactly one probe through after the reset timeout, however many ask at once", async () => {
    const openedAtMs = await openedAt();
    clock.nowMs = openedAtMs + settings.resetTimeoutMs;
    expect(await snapshot()).toMatchObject({ state: "half_open", retryAtMs: openedAtMs + 5_000 });
    // Reading it as half_open changed nothing.
    expect(await redis.hget(keys.deploymentBreaker(deploymentId), "state")).toBe("open");

    const admissions = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? breakers : otherBreakers).admit(deploymentId)),
    );
    const allowed = admissions.filter((admission) => admission.allowed);
    expect(allowed).toEqual([{ allowed: true, probe: true, transition: "half_opened" }]);
    const refused = admissions.filter((admission) => !admission.allowed);
    expect(refused).toHaveLength(49);
    expect(new Set(refused.map((admission) => JSON.stringify(admission)))).toEqual(
      new Set([JSON.stringify({ allowed: false, state: "half_open", retryAtMs: clock.nowMs + settings.probeLeaseMs })]),
    );
    expect(await snapshot()).toMatchObject({ state: "half_open", retryAtMs: clock.nowMs + settings.probeLeaseMs });
  });

  it("closes when the probe succeeds, with counters starting afresh", async () => {
    const openedAtMs = await openedAt();
    clock.nowMs = openedAtMs + settings.resetTimeoutMs;
    expect(await breakers.admit(deploymentId)).toMatchObject({ allowed: true, probe: true });
    clock.nowMs += 800;
    expect(await breakers.recordSuccess(deploymentId, true)).toBe("closed");

    expect(await breakers.admit(deploymentId)).toEqual({ allowed: true, probe: false });
    expect(await snapshot()).toEqual({
      deploymentId,
      state: "closed",
      failures: 0,
      calls: 0,
      windowStartMs: clock.nowMs,
      openedTotal: 1,
    });
    // A fresh window: it takes failureThreshold new failures to open again.
    expect(await failTimes(3)).toEqual([undefined, undefined, "opened"]);
    expect((await snapshot())?.openedTotal).toBe(2);
  });

  it("reopens from now when the probe fails", async () => {
    const openedAtMs = await openedAt();
    clock.nowMs = openedAtMs + 7_000;
    expect(await breakers.admit(deploymentId)).toMatchObject({ allowed: true, probe: true, transition: "half_opened" });
    clock.nowMs += 1_000;
    expect(await otherBreakers.recordFailure(deploymentId, true)).toBe("reopened");

    expect(await breakers.admit(deploymentId)).toEqual({ allowed: false, state: "open", retryAtMs: clock.nowMs + 5_000 });
    expect(await snapshot()).toMatchObject({ state: "open", openedAtMs: clock.nowMs, openedTotal: 2 });
    clock.nowMs += 5_000;
    expect(await breakers.admit(deploymentId)).toEqual({ allowed: true, probe: true, transition: "half_opened" });
  });

  it("frees the probe slot when a probe never reports within its lease", async () => {
    const openedAtMs = await openedAt();
    clock.nowMs = openedAtMs + settings.resetTimeoutMs;
    const leasedAtMs = clock.nowMs;
    expect(await breakers.admit(deploymentId)).toMatchObject({ allowed: true, probe: true });

    clock.nowMs = leasedAtMs + settings.probeLeaseMs - 1;
    expect(await otherBreakers.admit(deploymentId)).toEqual({
      allowed: false,
      state: "half_open",
      retryAtMs: leasedAtMs + settings.probeLeaseMs,
    });
    clock.nowMs += 1;
    // The new probe: no transition, the circuit was half-open already.
    expect(await otherBreakers.admit(deploymentId)).toEqual({ allowed: true, probe: true });
    expect(await breakers.admit(deploymentId)).toEqual({
      allowed: false,
      state: "half_open",
      retryAtMs: clock.nowMs + settings.probeLeaseMs,
    });
    expect(await otherBreakers.recordSuccess(deploymentId, true)).toBe("closed");
  });

  it("ignores results of non-probe calls while open or half-open", async () => {
    const openedAtMs = await openedAt();
    // Calls that started before the circuit opened report late.
    expect(await breakers.recordFailure(deploymentId, false)).toBeUndefined();
    expect(await breakers.recordSuccess(deploymentId, false)).toBeUndefined();
    expect(await snapshot()).toMatchObject({ state: "open", openedAtMs, failures: 0, calls: 0, openedTotal: 1 });

    clock.nowMs = openedAtMs + settings.resetTimeoutMs;
    expect(await breakers.admit(deploymentId)).toMatchObject({ allowed: true, probe: true });
    expect(await breakers.recordSuccess(deploymentId, false)).toBeUndefined();
    expect(await breakers.recordFailure(deploymentId, false)).toBeUndefined();
    expect(await snapshot()).toMatchObject({ state: "half_open", openedTotal: 1 });
    // Only the probe decides.
    expect(await breakers.recordFailure(deploymentId, true)).toBe("reopened");
    // A probe's result that arrives while open is ignored too.
    expect(await breakers.recordSuccess(deploymentId, true)).toBeUndefined();
    expect(await snapshot()).toMatchObject({ state: "open", openedAtMs: clock.nowMs, openedTotal: 2 });
  });

  it("trips open from closed at once, and leaves an open circuit's reset time alone", async () => {
    await breakers.recordFailure(deploymentId, false);
    const trippedAtMs = clock.nowMs;
    expect(await breakers.trip(deploymentId)).toBe("opened");
    expect(await otherBreakers.admit(deploymentId)).toEqual({ allowed: false, state: "open", retryAtMs: trippedAtMs + 5_000 });

    clock.nowMs += 1_000;
    expect(await breakers.trip(deploymentId)).toBeUndefined();
    expect(await snapshot()).toMatchObject({ state: "open", openedAtMs: trippedAtMs, failures: 0, calls: 0, openedTotal: 1 });
  });

  it("trips a half-open circuit back open, and the probe's late result is then ignored", async () => {
    const openedAtMs = await openedAt();
    clock.nowMs = openedAtMs + settings.resetTimeoutMs;
    expect(await breakers.admit(deploymentId)).toMatchObject({ allowed: true, probe: true });
    clock.nowMs += 100;
    expect(await otherBreakers.trip(deploymentId)).toBe("reopened");
    expect(await breakers.recordSuccess(deploymentId, true)).toBeUndefined();
    expect(await breakers.admit(deploymentId)).toEqual({ allowed: false, state: "open", retryAtMs: clock.nowMs + 5_000 });
    expect(await snapshot()).toMatchObject({ state: "open", openedAtMs: clock.nowMs, openedTotal: 2 });
  });

  it("reads many circuits in one call, unknown ones as closed with zeros", async () => {
    const open = deploymentId;
    await failTimes(3);
    const counting = `${deploymentId}-counting`;
    await breakers.recordFailure(counting, false);
    await breakers.recordSuccess(counting, false);
    const unknown = `${deploymentId}-unknown`;

    const snapshots = await otherBreakers.snapshots([open, counting, unknown, open]);
    expect([...snapshots.keys()]).toEqual([open, counting, unknown]);
    expect(snapshots.get(open)).toMatchObject({ state: "open", openedTotal: 1 });
    expect(snapshots.get(counting)).toEqual({
      deploymentId: counting,
      state: "closed",
      failures: 1,
      calls: 2,
      windowStartMs: clock.nowMs,
      openedTotal: 0,
    });
    expect(snapshots.get(unknown)).toEqual({ deploymentId: unknown, state: "closed", failures: 0, calls: 0, openedTotal: 0 });
    expect(await breakers.snapshots([])).toEqual(new Map());
  });

  it("lets concurrent snapshot reads of the same deployments share one round trip, and reads afresh after it", async () => {
    const [first, second] = await Promise.all([breakers.snapshots([deploymentId]), breakers.snapshots([deploymentId])]);
    expect(second).toBe(first);
    expect(first.get(deploymentId)).toMatchObject({ state: "closed", failures: 0 });
    const other = breakers.snapshots([`${deploymentId}-other`]);
    expect(other).not.toBe(breakers.snapshots([deploymentId]));

    await failTimes(3);
    const after = await breakers.snapshots([deploymentId]);
    expect(after).not.toBe(first);
    expect(after.get(deploymentId)).toMatchObject({ state: "open" });
    await other;
  });

  it("shares one circuit between processes on separate connections", async () => {
    await failTimes(2, breakers);
    expect(await failTimes(1, otherBreakers)).toEqual(["opened"]);
    expect((await otherBreakers.snapshots([deploymentId])).get(deploymentId)).toMatchObject({ state: "open" });
    expect(await breakers.admit(deploymentId)).toMatchObject({ allowed: false, state: "open" });

    clock.nowMs += settings.resetTimeoutMs;
    const [first, second] = await Promise.all([breakers.admit(deploymentId), otherBreakers.admit(deploymentId)]);
    expect([first, second].filter((admission: Admission) => admission.allowed)).toHaveLength(1);
    const prober = first.allowed ? breakers : otherBreakers;
    const bystander = first.allowed ? otherBreakers : breakers;
    expect(await prober.recordSuccess(deploymentId, true)).toBe("closed");
    expect(await bystander.admit(deploymentId)).toEqual({ allowed: true, probe: false });
  });

  it("keeps its key under the prefix, expiring when idle but never before an open circuit could half-open", async () => {
    const key = keys.deploymentBreaker(deploymentId);
    expect(key).toBe(`${prefix}:deployment:${deploymentId}:breaker`);
    await breakers.recordSuccess(deploymentId, false);
    const closedTtlMs = await redis.pttl(key);
    expect(closedTtlMs).toBeGreaterThan(settings.windowMs);
    expect(closedTtlMs).toBeLessThanOrEqual(50_000);

    await failTimes(3);
    expect(await redis.pttl(key)).toBeGreaterThan(settings.resetTimeoutMs + settings.probeLeaseMs);
    // Refusals are reads: they do not keep a forgotten circuit alive.
    await redis.pexpire(key, 30_000);
    await breakers.admit(deploymentId);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(30_000);
  });

  it("forgets a circuit on reset", async () => {
    await failTimes(3);
    await breakers.reset(deploymentId);
    expect(await breakers.admit(deploymentId)).toEqual({ allowed: true, probe: false });
    expect(await snapshot()).toEqual({ deploymentId, state: "closed", failures: 0, calls: 0, openedTotal: 0 });
  });

  it("runs on the configured defaults", async () => {
    const defaults = resilienceSchema.parse({}).breaker;
    const configured = new CircuitBreakers(redis, prefix, defaults, () => clock.nowMs);
    for (let i = 1; i < defaults.failureThreshold; i++) expect(await configured.recordFailure(deploymentId, false)).toBeUndefined();
    expect(await configured.recordFailure(deploymentId, false)).toBe("opened");
    expect(await configured.admit(deploymentId)).toEqual({
      allowed: false,
      state: "open",
      retryAtMs: clock.nowMs + defaults.resetTimeoutMs,
    });
  });
});
