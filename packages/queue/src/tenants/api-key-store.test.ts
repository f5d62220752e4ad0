import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "../redis-connection.js";
import { formatApiKey, parseApiKey } from "./api-key-format.js";
import { ApiKeyError, ApiKeyStore } from "./api-key-store.js";

describe("ApiKeyStore", () => {
  let redis: Redis;
  let store: ApiKeyStore;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  let clock = 1_000;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    store = new ApiKeyStore(redis, prefix, () => clock++);
  });
  afterAll(() => redis.quit());

  it("returns the secret once and stores only its SHA-256", async () => {
    const { key, info } = await store.create({ tenant: "acme", scopes: ["submit", "read"], name: "ci" });
    const parts = parseApiKey(key);
    expect(parts?.keyId).toBe(info.id);
    expect(formatApiKey(parts!)).toBe(key);
    const raw = await redis.hgetall(`${prefix}:api-key:${info.id}`);
    expect(Object.values(raw).join(" ")).not.toContain(parts!.secret);
    expect(raw.secretSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info).toMatchObject({ tenant: "acme", scopes: ["submit", "read"], name: "ci" });
  });

  it("verifies the right secret, refuses a wrong one and a revoked key", async () => {
    const { key, info } = await store.create({ tenant: "acme", scopes: ["read"], name: "reader" });
    const { keyId, secret } = parseApiKey(key)!;
    expect(await store.verify(keyId, secret)).toMatchObject({ id: info.id, tenant: "acme", scopes: ["read"] });
    const wrong = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
    expect(await store.verify(keyId, wrong)).toBeUndefined();
    expect(await store.verify("0000000000000000", secret)).toBeUndefined();
    expect(await store.revoke(keyId)).toBe("revoked");
    expect(await store.revoke(keyId)).toBe("already_revoked");
    expect(await store.revoke("ffffffffffffffff")).toBe("missing");
    expect(await store.verify(keyId, secret)).toBeUndefined();
    expect((await store.info(keyId))?.revokedAtMs).toBeGreaterThan(0);
  });

  it("lists per tenant and overall, without secrets or hashes", async () => {
    const a = await store.create({ tenant: "listing-a", scopes: ["submit"], name: "one" });
    const b = await store.create({ tenant: "listing-b", scopes: ["admin"], name: "two" });
    await store.touch(a.info.id, 42);
    const ofA = await store.list("listing-a");
    expect(ofA).toEqual([{ ...a.info, lastUsedAtMs: 42 }]);
    const all = await store.list();
    expect(all.map((key) => key.id)).toEqual(expect.arrayContaining([a.info.id, b.info.id]));
    expect(JSON.stringify(all)).not.toMatch(/secret/i);
  });

  it("refuses a bad tenant name, an over-long name and no scopes", async () => {
    await expect(store.create({ tenant: "a:b", scopes: ["read"], name: "" })).rejects.toBeInstanceOf(ApiKeyError);
    await expect(store.create({ tenant: "ok", scopes: ["read"], name: "x".repeat(200) })).rejects.toMatchObject({ kind: "invalid_name" });
    await expect(store.create({ tenant: "ok", scopes: [], name: "" })).rejects.toMatchObject({ kind: "no_scopes" });
  });

  it("parses only keys of its own shape", () => {
    expect(parseApiKey("sy_admin_whatever")).toBeUndefined();
    expect(parseApiKey(`sy_0123456789abcdef_${"a".repeat(43)}`)).toEqual({ keyId: "0123456789abcdef", secret: "a".repeat(43) });
    expect(parseApiKey(`sy_0123456789abcdef_${"a".repeat(43)}x`)).toBeUndefined();
  });
});
