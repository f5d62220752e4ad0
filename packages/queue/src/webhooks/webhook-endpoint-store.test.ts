import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "../redis-connection.js";
import { TenantSigningSecrets } from "./tenant-signing-secrets.js";
import { WebhookEndpointStore } from "./webhook-endpoint-store.js";

describe("WebhookEndpointStore and TenantSigningSecrets", () => {
  let redis: Redis;
  let endpoints: WebhookEndpointStore;
  let secrets: TenantSigningSecrets;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    endpoints = new WebhookEndpointStore(redis, prefix);
    secrets = new TenantSigningSecrets(redis, prefix);
  });
  afterAll(() => redis.quit());

  it("creates endpoints with their own whsec_ secret, up to the tenant's maximum", async () => {
    const first = await endpoints.create("acme", { url: "https://a.example/hook", events: ["request.failed", "request.failed"] }, 2);
    const second = await endpoints.create("acme", { url: "https://b.example/hook", description: "all events" }, 2);
    if (!("created" in first) || !("created" in second)) throw new Error("not created");
    expect(first.created).toMatchObject({ tenant: "acme", status: "enabled", events: ["request.failed"] });
    expect(first.created.secret).toMatch(/^whsec_/);
    expect(Buffer.from(first.created.secret.slice(6), "base64")).toHaveLength(32);
    expect(first.created.secret).not.toBe(second.created.secret);
    expect(await endpoints.create("acme", { url: "https://c.example/hook" }, 2)).toEqual({ refused: "limit_reached" });
    expect(await endpoints.get(first.created.id)).toEqual(first.created);
    expect((await endpoints.list("acme")).map((endpoint) => endpoint.id)).toEqual([first.created.id, second.created.id]);
    expect(await endpoints.list("globex")).toEqual([]);
  });

  it("offers an event to enabled subscribers only, and never revives a deleted endpoint", async () => {
    const created = await endpoints.create("initech", { url: "https://i.example/hook", events: ["request.succeeded"] }, 5);
    const all = await endpoints.create("initech", { url: "https://j.example/hook" }, 5);
    if (!("created" in created) || !("created" in all)) throw new Error("not created");
    expect((await endpoints.subscribers("initech", "request.succeeded")).length).toBe(2);
    expect((await endpoints.subscribers("initech", "request.failed")).map((endpoint) => endpoint.id)).toEqual([all.created.id]);
    expect(await endpoints.setStatus(all.created.id, "disabled", "410 Gone")).toBe(true);
    expect(await endpoints.get(all.created.id)).toMatchObject({ status: "disabled", disabledReason: "410 Gone" });
    expect(await endpoints.subscribers("initech", "request.failed")).toEqual([]);
    expect(await endpoints.setStatus(all.created.id, "enabled")).toBe(true);
    expect((await endpoints.get(all.created.id))?.disabledReason).toBeUndefined();
    expect(await endpoints.delete(all.created)).toBe(true);
    expect(await endpoints.delete(all.created)).toBe(false);
    expect(await endpoints.setStatus(all.created.id, "disabled", "late 410")).toBe(false);
    expect(await redis.exists(`${prefix}:webhooks:endpoint:${all.created.id}`)).toBe(0);
  });

  it("gives each tenant one default signing secret, the same to every caller", async () => {
    const [a, b] = await Promise.all([secrets.getOrCreate("acme"), secrets.getOrCreate("acme")]);
    expect(a).toBe(b);
    expect(a).toMatch(/^whsec_/);
    expect(await secrets.getOrCreate("globex")).not.toBe(a);
  });
});
