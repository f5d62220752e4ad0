import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { newRequestId } from "@switchyard/contracts";
import { createRedis } from "../redis-connection.js";
import { RequestStore } from "../request-store.js";
import { RequestList, type RequestCursor } from "./request-list.js";
import { standardClassification } from "../classification.test-support.js";


describe("RequestList", () => {
  let redis: Redis;
  let clock = 1_000_000;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;
  let store: RequestStore;
  let list: RequestList;
  const created: { id: string; tenant: string; atMs: number }[] = [];

  async function create(tenant: string, sameMillisecond = false) {
    if (!sameMillisecond) clock += 10;
    const id = newRequestId(clock);
    await store.create({ id, tenant, tier: "standard", clientFormat: "openai", classification: standardClassification, request: { messages: [{ role: "user", content: "hi" }] } });
    created.push({ id, tenant, atMs: clock });
    return id;
  }

  beforeAll(async () => {
    redis = createRedis(inject("redisUrl"), "worker");
    store = new RequestStore(redis, prefix, 3600, () => clock);
    list = new RequestList(redis, prefix);
    for (let i = 0; i < 12; i++) await create(i % 3 === 0 ? "beta" : "acme");
    // Five in one millisecond: the cursor must break ties by id, never skipping or repeating one.
    for (let i = 0; i < 5; i++) await create("acme", i > 0);
  });
  afterAll(() => redis.quit());

  const newestFirst = (tenant?: string) =>
    created
      .filter((entry) => tenant === undefined || entry.tenant === tenant)
      .sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? 1 : -1))
      .map((entry) => entry.id);

  async function walk(query: { tenant?: string; limit: number; statuses?: ("queued" | "failed")[] }) {
    const ids: string[] = [];
    let after: RequestCursor | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await list.list({ ...query, ...(after ? { after } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(query.limit);
      ids.push(...page.data.map((summary) => summary.id));
      if (!page.hasMore) return ids;
      after = page.nextCursor;
      expect(after).toBeDefined();
    }
    throw new Error("never finished");
  }

  it("lists one tenant's requests newest first, page by page, without repeats or gaps", async () => {
    expect(await walk({ tenant: "acme", limit: 3 })).toEqual(newestFirst("acme"));
    expect(await walk({ tenant: "beta", limit: 100 })).toEqual(newestFirst("beta"));
    expect(await walk({ limit: 4 })).toEqual(newestFirst());
  });

  it("returns summaries without request or result bodies", async () => {
    const page = await list.list({ tenant: "beta", limit: 1 });
    expect(page.hasMore).toBe(true);
    expect(page.data[0]).toEqual({
      id: newestFirst("beta")[0],
      status: "queued",
      tenant: "beta",
      tier: "standard",
      clientFormat: "openai",
      createdAtMs: expect.any(Number),
      updatedAtMs: expect.any(Number),
    });
  });

  it("filters by status and by creation time", async () => {
    const [failedId] = newestFirst("acme").slice(4, 5);
    await store.finish(failedId as string, { status: "failed", error: { code: "internal", message: "test" } });
    const failed = await list.list({ tenant: "acme", statuses: ["failed"], limit: 10 });
    expect(failed.data.map((summary) => summary.id)).toEqual([failedId]);
    expect(failed.data[0]?.error).toEqual({ code: "internal", message: "test" });
    expect(failed.hasMore).toBe(false);

    const all = created.filter((entry) => entry.tenant === "acme").sort((a, b) => a.atMs - b.atMs);
    const from = all[2]?.atMs as number;
    const to = all[5]?.atMs as number;
    const window = await list.list({ tenant: "acme", createdAfterMs: from, createdBeforeMs: to, limit: 100 });
    expect(window.data.map((summary) => summary.createdAtMs).every((at) => at >= from && at < to)).toBe(true);
    expect(window.data).toHaveLength(all.filter((entry) => entry.atMs >= from && entry.atMs < to).length);
  });

  it("skips ids whose record has expired, and a create prunes entries past retention", async () => {
    const [gone] = newestFirst("beta");
    await redis.del(`${prefix}:request:${gone}`);
    const page = await list.list({ tenant: "beta", limit: 100 });
    expect(page.data.map((summary) => summary.id)).not.toContain(gone);

    await redis.zadd(`${prefix}:requests:tenant:beta`, clock - 3_700_000, "req_ancient");
    await create("beta");
    expect(await redis.zscore(`${prefix}:requests:tenant:beta`, "req_ancient")).toBeNull();
    expect(await redis.ttl(`${prefix}:requests:tenant:beta`)).toBeGreaterThan(3000);
  });
});
