import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "./redis-connection.js";
import { keyNames } from "./key-names.js";
import { RateLimitStore } from "./rate-limit-store.js";
import { FleetRateLimiter } from "./rate-limiter/fleet-rate-limiter.js";

describe("RateLimitStore (real Redis)", () => {
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  let redis: Redis;
  let store: RateLimitStore;
  let limiter: FleetRateLimiter;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    store = new RateLimitStore(redis, prefix);
    limiter = new FleetRateLimiter(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it("reads nothing for a deployment whose provider reported nothing", async () => {
    expect(await store.get("quiet")).toBeUndefined();
  });

  it("reads the latest state the limiter recorded, whole and as reported", async () => {
    const observedAtMs = Date.now();
    const older = { observedAtMs, requests: { limit: 50, remaining: 49, resetAtMs: observedAtMs + 1_000 } };
    const newer = {
      observedAtMs: observedAtMs + 5,
      requests: { limit: 50, remaining: 48, resetAtMs: observedAtMs + 1_000 },
      inputTokens: { limit: 30_000, remaining: 0, resetAtMs: observedAtMs + 17_000 },
      outputTokens: { remaining: 8_000 },
      retryAfterMs: 16_000,
    };
    await limiter.observe("reporting", newer);
    await limiter.observe("reporting", older); // arrives late: ignored
    expect(await store.get("reporting")).toEqual(newer);
  });

  it("refuses a stored state that is not one (a schema change, a stray write) rather than showing it", async () => {
    await redis.hset(keyNames(prefix).limiter("deployment", "garbled").main, "providerState", JSON.stringify({ requests: {} }));
    await expect(store.get("garbled")).rejects.toThrow();
  });
});
