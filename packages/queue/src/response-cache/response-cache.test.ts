import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import type { ChatRequest, ChatResult } from "@switchyard/contracts";
import { createRedis } from "../redis-connection.js";
import { keyNames } from "../key-names.js";
import { responseCacheKey } from "./response-cache-key.js";
import { ResponseCache } from "./response-cache.js";

const TTL_SECONDS = 300;

const request: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "What is 2 + 2?" }], temperature: 0 };

const result: ChatResult = {
  model: "gpt-4o-mini-2024-07-18",
  message: { role: "assistant", content: "4" },
  finishReason: "stop",
  usage: { inputTokens: 12, outputTokens: 1, cachedInputTokens: 0 },
  providerResponseId: "chatcmpl-1",
};

describe("ResponseCache", () => {
  let redis: Redis;
  let cache: ResponseCache;
  let clockMs = 1_700_000_000_000;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  const keys = keyNames(prefix);
  const entryKey = (tenant: string, cached: ChatRequest) => keys.responseCache(tenant, responseCacheKey(tenant, cached));
  /** Each test its own tenant, so entries never leak between tests. */
  const newTenant = () => `tenant-${randomBytes(4).toString("hex")}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    cache = new ResponseCache(redis, prefix, { ttlSeconds: TTL_SECONDS }, () => clockMs);
  });
  afterAll(() => redis.quit());

  it("misses, then hits what was put, stamped with the clock", async () => {
    const tenant = newTenant();
    expect(await cache.get(tenant, request, { privateOnly: false })).toBeUndefined();
    clockMs += 1_000;
    await cache.put(tenant, request, { result, deploymentId: "openai-eu", privateDeployment: false });
    expect(await cache.get(tenant, request, { privateOnly: false })).toEqual({
      result,
      deploymentId: "openai-eu",
      privateDeployment: false,
      storedAtMs: clockMs,
    });
  });

  it("stores under the prefix, first in the key, with the TTL", async () => {
    const tenant = newTenant();
    await cache.put(tenant, request, { result, deploymentId: "openai-eu", privateDeployment: false });
    const key = entryKey(tenant, request);
    expect(key.startsWith(`${prefix}:`)).toBe(true);
    const ttlSeconds = await redis.ttl(key);
    expect(ttlSeconds).toBeGreaterThan(TTL_SECONDS - 5);
    expect(ttlSeconds).toBeLessThanOrEqual(TTL_SECONDS);
  });

  it("a put replaces the entry and restarts its TTL", async () => {
    const tenant = newTenant();
    await cache.put(tenant, request, { result, deploymentId: "openai-eu", privateDeployment: false });
    await redis.expire(entryKey(tenant, request), 10);
    await cache.put(tenant, request, { result: { ...result, message: { role: "assistant", content: "four" } }, deploymentId: "local-llama", privateDeployment: true });
    expect((await cache.get(tenant, request, { privateOnly: false }))?.deploymentId).toBe("local-llama");
    expect(await redis.ttl(entryKey(tenant, request))).toBeGreaterThan(10);
  });

  it("does not store the provider's rate-limit reading", async () => {
    const tenant = newTenant();
    const withRateLimit: ChatResult = { ...result, rateLimit: { observedAtMs: clockMs, requests: { remaining: 0, resetAtMs: clockMs + 1_000 } } };
    await cache.put(tenant, request, { result: withRateLimit, deploymentId: "openai-eu", privateDeployment: false });
    expect((await cache.get(tenant, request, { privateOnly: false }))?.result).toEqual(result);
  });

  it("keeps tenants apart", async () => {
    const [acme, globex] = [newTenant(), newTenant()];
    await cache.put(acme, request, { result, deploymentId: "openai-eu", privateDeployment: false });
    expect(await cache.get(globex, request, { privateOnly: false })).toBeUndefined();
    // The request's own `tenant` field does not choose the entry; the caller's tenant does.
    expect(await cache.get(globex, { ...request, tenant: acme }, { privateOnly: false })).toBeUndefined();
    expect(await cache.get(acme, request, { privateOnly: false })).toBeDefined();
  });

  it("serves a PII request only what a private deployment produced", async () => {
    const [publicTenant, privateTenant] = [newTenant(), newTenant()];
    await cache.put(publicTenant, request, { result, deploymentId: "openai-eu", privateDeployment: false });
    await cache.put(privateTenant, request, { result, deploymentId: "local-llama", privateDeployment: true });
    expect(await cache.get(publicTenant, request, { privateOnly: true })).toBeUndefined();
    // Refused, not discarded: a request that may use any deployment still hits it.
    expect((await cache.get(publicTenant, request, { privateOnly: false }))?.deploymentId).toBe("openai-eu");
    expect((await cache.get(privateTenant, request, { privateOnly: true }))?.deploymentId).toBe("local-llama");
  });

  it.each([
    ["text that is not JSON", "{not json"],
    ["JSON of the wrong shape", JSON.stringify({ result: { model: "m" }, deploymentId: "d", privateDeployment: false, storedAtMs: 1 })],
    ["an entry without its private flag", JSON.stringify({ result, deploymentId: "d", storedAtMs: 1 })],
  ])("reads %s as a miss and deletes it", async (_label, text) => {
    const tenant = newTenant();
    const key = entryKey(tenant, request);
    await redis.set(key, text, "EX", TTL_SECONDS);
    expect(await cache.get(tenant, request, { privateOnly: false })).toBeUndefined();
    expect(await redis.exists(key)).toBe(0);
  });

  it("hits whatever the routing-only fields say, and misses when an output parameter differs", async () => {
    const tenant = newTenant();
    await cache.put(
      tenant,
      { ...request, user: "u-1", metadata: { urgency: "batch", team: "a" }, constraints: { requiresLocal: false }, cache: "prefer", tenant: "x" },
      { result, deploymentId: "openai-eu", privateDeployment: false },
    );
    const reread: ChatRequest = {
      messages: [{ role: "user", content: [{ type: "text", text: "What is 2 + 2?" }] }],
      temperature: 0,
      model: "gpt-4o-mini",
      user: "u-2",
      metadata: { urgency: "realtime" },
      constraints: { maxLatencyMs: 500 },
      cache: "fallback",
    };
    expect((await cache.get(tenant, reread, { privateOnly: false }))?.result).toEqual(result);
    expect(await cache.get(tenant, { ...reread, temperature: 0.7 }, { privateOnly: false })).toBeUndefined();
    expect(await cache.get(tenant, { ...reread, model: "gpt-4o" }, { privateOnly: false })).toBeUndefined();
  });

  it("refuses a TTL that is not a positive whole number of seconds", () => {
    expect(() => new ResponseCache(redis, prefix, { ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => new ResponseCache(redis, prefix, { ttlSeconds: 1.5 })).toThrow(RangeError);
  });
});
