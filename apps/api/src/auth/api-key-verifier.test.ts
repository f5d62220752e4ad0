import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createLogger } from "@switchyard/logging";
import { ApiKeyStore, createRedis } from "@switchyard/queue";
import { ApiKeyVerifier, KEY_CACHE_TTL_MS } from "./api-key-verifier.js";

describe("ApiKeyVerifier", () => {
  let redis: Redis;
  let store: ApiKeyStore;
  let clock = 1_000_000;
  let verifier: ApiKeyVerifier;
  const logger = createLogger({ service: "test", destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    store = new ApiKeyStore(redis, `{t${randomBytes(4).toString("hex")}}`);
    verifier = new ApiKeyVerifier(store, () => clock, logger);
  });
  afterAll(() => redis.quit());

  it("turns a valid key into its principal and refuses a wrong secret even when cached", async () => {
    const { key, info } = await store.create({ tenant: "acme", scopes: ["submit", "read"], name: "" });
    expect(await verifier.verify(key)).toEqual({ keyId: info.id, tenant: "acme", scopes: ["submit", "read"] });
    const wrong = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    expect(await verifier.verify(wrong)).toBeUndefined();
    expect(await verifier.verify("sy_admin_notakey")).toBeUndefined();
    expect(await verifier.verify("")).toBeUndefined();
  });

  it("stops accepting a revoked key once its cache entry expires (at most KEY_CACHE_TTL_MS)", async () => {
    const { key, info } = await store.create({ tenant: "acme", scopes: ["read"], name: "" });
    expect(await verifier.verify(key)).toBeDefined();
    await store.revoke(info.id);
    // Cached: still accepted within the documented window.
    clock += KEY_CACHE_TTL_MS - 1;
    expect(await verifier.verify(key)).toBeDefined();
    clock += 1;
    expect(await verifier.verify(key)).toBeUndefined();
  });

  it("never caches a refusal: a wrong secret tried first does not lock out the right one", async () => {
    const { key } = await store.create({ tenant: "acme", scopes: ["read"], name: "" });
    const wrong = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    expect(await verifier.verify(wrong)).toBeUndefined();
    expect(await verifier.verify(key)).toBeDefined();
  });

  it("records when a key was last used, at most once a minute", async () => {
    const { key, info } = await store.create({ tenant: "acme", scopes: ["read"], name: "" });
    const usedAt = clock;
    await verifier.verify(key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.info(info.id))?.lastUsedAtMs).toBe(usedAt);
    clock += 1_000;
    await verifier.verify(key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.info(info.id))?.lastUsedAtMs).toBe(usedAt);
  });
});
