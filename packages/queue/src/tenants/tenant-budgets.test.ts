import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { newRequestId } from "@switchyard/contracts";
import { createRedis } from "../redis-connection.js";
import { budgetMonth, requestAcceptedAtMs } from "./budget-units.js";
import { TenantBudgets } from "./tenant-budgets.js";

describe("TenantBudgets", () => {
  let redis: Redis;
  let budgets: TenantBudgets;
  const prefix = `{t${randomBytes(4).toString("hex")}}`;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    budgets = new TenantBudgets(redis, prefix);
  });
  afterAll(() => redis.quit());

  it("never exceeds the limit under many concurrent reservations (from several connections)", async () => {
    const clients = Array.from({ length: 4 }, () => createRedis(inject("redisUrl"), "worker"));
    const connections = clients.map((client) => new TenantBudgets(client, prefix));
    const now = Date.now();
    // 0.07 per request against 10.00: exactly 142 fit (9.94), the 143rd would make 10.01.
    const attempts = Array.from({ length: 400 }, (_, index) => {
      const id = newRequestId(now);
      return connections[index % connections.length]!.reserve("race", id, now, 0.07, 10);
    });
    const results = await Promise.all(attempts).finally(() => Promise.all(clients.map((client) => client.quit())));
    const granted = results.filter((result) => result.granted).length;
    expect(granted).toBe(142);
    const state = await budgets.state("race", now, 10);
    expect(state.reservedUsd).toBeCloseTo(9.94, 10);
    expect(state.reservedUsd).toBeLessThanOrEqual(10);
    const refused = results.find((result) => !result.granted);
    expect(refused).toMatchObject({ granted: false, limitUsd: 10, month: budgetMonth(now) });
  });

  it("settles exactly once: the actual cost replaces the reservation, a second settlement changes nothing", async () => {
    const now = Date.now();
    const id = newRequestId(now);
    expect((await budgets.reserve("settle", id, now, 1.5, 100)).granted).toBe(true);
    expect(await budgets.reserve("settle", id, now, 1.5, 100)).toMatchObject({ granted: true, reservedUsd: 1.5 });
    expect(await budgets.settle("settle", id, 0.12345678)).toBe(true);
    expect(await budgets.settle("settle", id, 0.12345678)).toBe(false);
    expect(await budgets.state("settle", now, 100)).toEqual({ month: budgetMonth(now), limitUsd: 100, limitSource: "config", spentUsd: 0.12345678, reservedUsd: 0 });

    const failed = newRequestId(now);
    await budgets.reserve("settle", failed, now, 2, 100);
    expect(await budgets.settle("settle", failed, 0)).toBe(true);
    const unknownCost = newRequestId(now);
    await budgets.reserve("settle", unknownCost, now, 0.5, 100);
    expect(await budgets.settle("settle", unknownCost, undefined)).toBe(true);
    expect((await budgets.state("settle", now)).spentUsd).toBeCloseTo(0.62345678, 10);
    expect(await budgets.settle("settle", newRequestId(now), 1)).toBe(false);
  });

  it("refuses once spent + reserved + estimate passes the limit, and honours an admin override", async () => {
    const now = Date.now();
    const first = newRequestId(now);
    await budgets.reserve("spend", first, now, 4, 5);
    await budgets.settle("spend", first, 4);
    expect(await budgets.reserve("spend", newRequestId(now), now, 1.5, 5)).toMatchObject({ granted: false, spentUsd: 4, reservedUsd: 0, limitUsd: 5 });
    await budgets.setLimitOverride("spend", 6);
    expect((await budgets.reserve("spend", newRequestId(now), now, 1.5, 5)).granted).toBe(true);
    expect(await budgets.state("spend", now, 5)).toMatchObject({ limitUsd: 6, limitSource: "override", spentUsd: 4, reservedUsd: 1.5 });
    await budgets.setLimitOverride("spend", null);
    expect((await budgets.state("spend", now, 5)).limitSource).toBe("config");
    // Without any limit spending is still counted.
    expect((await budgets.reserve("free", newRequestId(now), now, 1e6)).granted).toBe(true);
    expect(await budgets.state("free", now)).toMatchObject({ limitSource: "none", reservedUsd: 1e6 });
  });

  it("reads the acceptance time back from a request id, so a settlement finds the month of its reservation", async () => {
    const januaryEnd = Date.UTC(2026, 0, 31, 23, 59, 59, 999);
    const id = newRequestId(januaryEnd);
    expect(requestAcceptedAtMs(id)).toBe(januaryEnd);
    await budgets.reserve("months", id, januaryEnd, 1, 10);
    expect(await budgets.settle("months", id, 0.5)).toBe(true);
    expect((await budgets.state("months", januaryEnd)).spentUsd).toBe(0.5);
    expect((await budgets.state("months", januaryEnd + 1)).spentUsd).toBe(0);
    expect(await redis.ttl(`${prefix}:tenant:months:budget:2026-01`)).toBeGreaterThan(39 * 24 * 3600);
  });
});
