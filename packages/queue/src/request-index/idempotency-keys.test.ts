import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "../redis-connection.js";
import { IdempotencyKeys } from "./idempotency-keys.js";

describe("IdempotencyKeys", () => {
  let redis: Redis;
  let keys: IdempotencyKeys;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    keys = new IdempotencyKeys(redis, prefix, { ttlSeconds: 60, pendingTtlMs: 300 });
  });
  afterAll(() => redis.quit());

  it("lets exactly one of many concurrent claims through, then remembers its answer", async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => keys.claim("acme", "order-1", "fp")));
    const claimed = outcomes.filter((outcome) => outcome.kind === "claimed");
    expect(claimed).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === "taken").every((outcome) => outcome.entry.state === "pending")).toBe(true);

    const claim = claimed[0]?.kind === "claimed" ? claimed[0].claim : undefined;
    expect(await keys.settle(claim!, { requestId: "req_1", httpStatus: 202, body: { id: "req_1" } })).toBe(true);
    const again = await keys.claim("acme", "order-1", "other");
    expect(again).toEqual({ kind: "taken", entry: { state: "settled", fingerprint: "fp", requestId: "req_1", httpStatus: 202, body: { id: "req_1" } } });
    const ttl = await redis.ttl(claim!.redisKey);
    expect(ttl).toBeGreaterThan(50);
  });

  it("scopes keys per tenant", async () => {
    const a = await keys.claim("acme", "shared-key", "fp");
    const b = await keys.claim("beta", "shared-key", "fp");
    expect([a.kind, b.kind]).toEqual(["claimed", "claimed"]);
  });

  it("frees a released key, and a crashed claim after its pending TTL", async () => {
    const first = await keys.claim("acme", "retry-me", "fp");
    if (first.kind !== "claimed") throw new Error("expected a claim");
    await keys.release(first.claim);
    expect((await keys.claim("acme", "retry-me", "fp")).kind).toBe("claimed");

    // Nobody settles this one (the submitter "crashed"): the key frees itself.
    expect((await keys.claim("acme", "retry-me", "fp")).kind).toBe("taken");
    await new Promise((resolve) => setTimeout(resolve, 350));
    const late = await keys.claim("acme", "retry-me", "fp");
    expect(late.kind).toBe("claimed");
  });

  it("never overwrites a claim that expired and was taken over", async () => {
    const stale = await keys.claim("acme", "slow", "fp");
    if (stale.kind !== "claimed") throw new Error("expected a claim");
    await new Promise((resolve) => setTimeout(resolve, 350));
    const fresh = await keys.claim("acme", "slow", "fp");
    expect(fresh.kind).toBe("claimed");
    expect(await keys.settle(stale.claim, { requestId: "req_stale", httpStatus: 202, body: {} })).toBe(false);
    await keys.release(stale.claim);
    expect((await keys.claim("acme", "slow", "fp")).kind).toBe("taken");
  });
});
