import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EmbeddedRedis, freePort } from "@switchyard/embedded-redis";
import { startApp, type RunningProcess } from "../support/processes.js";
import { testPrefix } from "../support/test-prefix.js";

const EVICTION_ALERT = /"level":"error"[^\n]*"alert":"redis_eviction_policy_unsafe"[^\n]*"policy":"allkeys-lru"/;
const EVICTION_STDERR = /WARNING: Redis maxmemory-policy is "allkeys-lru": [^\n]*BullMQ jobs and request records[^\n]*maxmemory-policy noeviction[^\n]*infra\/redis\/redis\.conf/;
const PERSISTENCE_WARNING = /"level":"warn"[^\n]*"alert":"redis_persistence_off"/;

async function startBoth(redisUrl: string): Promise<{ api: RunningProcess; worker: RunningProcess; apiUrl: string }> {
  const port = await freePort();
  const env = { REDIS_URL: redisUrl, SWITCHYARD_REDIS_PREFIX: testPrefix(), SWITCHYARD_ADMIN_KEY: `sy_test_${randomBytes(8).toString("hex")}` };
  const [api, worker] = await Promise.all([
    startApp("api", { ...env, PORT: String(port) }, /API listening/),
    startApp("worker", env, /worker started/),
  ]);
  return { api, worker, apiUrl: `http://127.0.0.1:${port}` };
}

// A Redis that may evict keys silently loses BullMQ jobs and request records: both processes must say so
// loudly at start, and still start.
describe("Redis durability check at start", () => {
  describe("on a Redis with maxmemory-policy allkeys-lru and no AOF", () => {
    let redis: EmbeddedRedis;
    let dataDir: string;
    let started: Awaited<ReturnType<typeof startBoth>> | undefined;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "switchyard-redis-evicting-"));
      redis = await EmbeddedRedis.start({ dataDir, appendOnly: false, extraArgs: ["--maxmemory-policy", "allkeys-lru"] });
      started = await startBoth(redis.url);
    });
    afterAll(async () => {
      await Promise.all([started?.api.stop(), started?.worker.stop()]);
      await redis?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it.each(["api", "worker"] as const)("the %s logs an error-level alert, prints how to fix it, and warns about persistence", async (name) => {
      const app = started?.[name];
      await app?.waitForOutput(EVICTION_ALERT);
      await app?.waitForOutput(EVICTION_STDERR);
      await app?.waitForOutput(PERSISTENCE_WARNING);
      expect(app?.output().match(new RegExp(EVICTION_STDERR.source, "gm"))).toHaveLength(1);
    });

    it("does not refuse to start", async () => {
      expect(started?.worker.child.exitCode).toBeNull();
      const health = await fetch(`${started?.apiUrl}/healthz`);
      expect(health.status).toBe(200);
    });
  });

  it("says nothing about eviction on a Redis with noeviction", async () => {
    // The shared test Redis runs with noeviction and AOF off: only the persistence warning is due.
    const { api, worker } = await startBoth(inject("redisUrl"));
    try {
      await api.waitForOutput(PERSISTENCE_WARNING);
      await worker.waitForOutput(PERSISTENCE_WARNING);
      expect(api.output() + worker.output()).not.toMatch(/redis_eviction_policy_unsafe|maxmemory-policy is/);
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
  });
});
