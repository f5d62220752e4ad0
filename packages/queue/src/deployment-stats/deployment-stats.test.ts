import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "../redis-connection.js";
import { keyNames } from "../key-names.js";
import { DeploymentStats } from "./deployment-stats.js";

describe("DeploymentStats (real Redis)", () => {
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  const keys = keyNames(prefix);
  // Two connections stand for two worker processes sharing the fleet's figures.
  let redis: Redis;
  let otherRedis: Redis;
  let stats: DeploymentStats;
  let otherStats: DeploymentStats;
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
    stats = new DeploymentStats(redis, prefix);
    otherStats = new DeploymentStats(otherRedis, prefix);
    deploymentId = `deployment-${++deploymentCount}`;
  });

  async function latency(id = deploymentId) {
    return (await stats.latencies([id])).get(id);
  }

  it("has no latency for a deployment never measured", async () => {
    expect(await latency()).toBeUndefined();
  });

  it("takes the first sample as the average, then folds samples in with weight 0.2", async () => {
    await stats.recordLatency(deploymentId, 1_000);
    expect(await latency()).toBe(1_000);
    await stats.recordLatency(deploymentId, 500);
    expect(await latency()).toBeCloseTo(900, 9); // 0.2 × 500 + 0.8 × 1000
    await otherStats.recordLatency(deploymentId, 123.5);
    expect(await latency()).toBeCloseTo(0.2 * 123.5 + 0.8 * 900, 9);
  });

  it("keeps fractions (the reply is a string, not a Lua number truncated to an integer)", async () => {
    await stats.recordLatency(deploymentId, 0.75);
    expect(await latency()).toBe(0.75);
  });

  it("honours a configured alpha", async () => {
    const eager = new DeploymentStats(redis, prefix, { latencyAlpha: 1 });
    await eager.recordLatency(deploymentId, 800);
    await eager.recordLatency(deploymentId, 200);
    expect(await latency()).toBe(200);
  });

  it("counts every one of many concurrent samples from two processes", async () => {
    // With alpha 1/2 and samples all equal to 0 after a first 1024, the result is 1024 / 2^n only if
    // none of the n read-modify-writes was lost.
    const half = [new DeploymentStats(redis, prefix, { latencyAlpha: 0.5 }), new DeploymentStats(otherRedis, prefix, { latencyAlpha: 0.5 })];
    await half[0]!.recordLatency(deploymentId, 1024);
    await Promise.all(Array.from({ length: 10 }, (_, index) => half[index % 2]!.recordLatency(deploymentId, 0)));
    expect(await latency()).toBe(1);
  });

  it("lets an average expire after latencyTtlMs without samples, so the member is measured afresh", async () => {
    const shortLived = new DeploymentStats(redis, prefix, { latencyTtlMs: 60_000 });
    await shortLived.recordLatency(deploymentId, 300);
    const ttlMs = await redis.pttl(keys.deploymentLatency(deploymentId));
    expect(ttlMs).toBeGreaterThan(55_000);
    expect(ttlMs).toBeLessThanOrEqual(60_000);

    const fleeting = new DeploymentStats(redis, prefix, { latencyTtlMs: 30 });
    await fleeting.recordLatency(deploymentId, 300);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await latency()).toBeUndefined();
  });

  it("reads many deployments at once (one MGET), undefined for those without data", async () => {
    const [a, b, c] = [`${deploymentId}-a`, `${deploymentId}-b`, `${deploymentId}-c`];
    await stats.recordLatency(a, 100);
    await stats.recordLatency(c, 250);
    await redis.set(keys.deploymentLatency(`${deploymentId}-junk`), "not a number");
    const averages = await stats.latencies([a, b, c, `${deploymentId}-junk`]);
    expect([...averages]).toEqual([
      [a, 100],
      [b, undefined],
      [c, 250],
      [`${deploymentId}-junk`, undefined],
    ]);
    expect(await stats.latencies([])).toEqual(new Map());
  });

  it("refuses latencies that cannot be real and alphas outside (0, 1]", async () => {
    await expect(stats.recordLatency(deploymentId, -1)).rejects.toThrow(RangeError);
    await expect(stats.recordLatency(deploymentId, Number.NaN)).rejects.toThrow(RangeError);
    await expect(stats.recordLatency(deploymentId, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    expect(await latency()).toBeUndefined();
    expect(() => new DeploymentStats(redis, prefix, { latencyAlpha: 0 })).toThrow(RangeError);
    expect(() => new DeploymentStats(redis, prefix, { latencyAlpha: 1.5 })).toThrow(RangeError);
    expect(() => new DeploymentStats(redis, prefix, { latencyTtlMs: 0 })).toThrow(RangeError);
  });

  describe("nextRoundRobin", () => {
    it("returns the counter before the increment: 0, 1, 2, … per pool", async () => {
      const pool = `pool-${deploymentId}`;
      expect(await stats.nextRoundRobin(pool)).toBe(0);
      expect(await otherStats.nextRoundRobin(pool)).toBe(1);
      expect(await stats.nextRoundRobin(pool)).toBe(2);
      expect(await stats.nextRoundRobin(`${pool}-other`)).toBe(0);
    });

    it("hands every concurrent caller in the fleet a distinct turn", async () => {
      const pool = `pool-${deploymentId}`;
      const turns = await Promise.all(Array.from({ length: 200 }, (_, index) => (index % 2 ? stats : otherStats).nextRoundRobin(pool)));
      expect([...turns].sort((left, right) => left - right)).toEqual(Array.from({ length: 200 }, (_, index) => index));
    });
  });
});
