import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis } from "./redis-connection.js";
import {
  assessRedisDurability,
  checkRedisDurability,
  readRedisDurabilitySettings,
  type DurabilityLogger,
} from "./redis-durability.js";

describe("assessRedisDurability", () => {
  it("finds nothing wrong with noeviction and AOF on", () => {
    expect(assessRedisDurability({ maxmemoryPolicy: "noeviction", appendonly: "yes" })).toEqual([]);
  });

  it.each(["allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])(
    "raises an error-level alert for %s, saying what is lost and how to fix it",
    (policy) => {
      const findings = assessRedisDurability({ maxmemoryPolicy: policy, appendonly: "yes" });
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding).toMatchObject({ level: "error", alert: "redis_eviction_policy_unsafe", fields: { policy } });
      expect(finding?.message).toMatch(/BullMQ jobs and request records/);
      expect(finding?.message).toContain("maxmemory-policy noeviction");
      expect(finding?.message).toContain("infra/redis/redis.conf");
      expect(finding?.message).not.toContain("\n");
    },
  );

  it("reads the values as Redis may spell them", () => {
    expect(assessRedisDurability({ maxmemoryPolicy: " NoEviction ", appendonly: "YES" })).toEqual([]);
    expect(assessRedisDurability({ maxmemoryPolicy: "AllKeys-LRU", appendonly: "yes" })[0]?.fields).toEqual({ policy: "allkeys-lru" });
  });

  it("warns that a restart loses accepted requests when AOF is off", () => {
    const findings = assessRedisDurability({ maxmemoryPolicy: "noeviction", appendonly: "no" });
    expect(findings).toEqual([
      expect.objectContaining({ level: "warn", alert: "redis_persistence_off", fields: { appendonly: "no" } }),
    ]);
    expect(findings[0]?.message).toMatch(/restart loses accepted requests/);
  });

  it("reports both problems, the eviction policy first", () => {
    const findings = assessRedisDurability({ maxmemoryPolicy: "allkeys-lru", appendonly: "no" });
    expect(findings.map((finding) => [finding.level, finding.alert])).toEqual([
      ["error", "redis_eviction_policy_unsafe"],
      ["warn", "redis_persistence_off"],
    ]);
  });

  it("says which settings could not be checked, and why, without guessing", () => {
    const findings = assessRedisDurability({
      maxmemoryPolicy: undefined,
      appendonly: undefined,
      unreadableReason: "ERR unknown command 'CONFIG'",
    });
    expect(findings).toEqual([
      expect.objectContaining({
        level: "warn",
        alert: "redis_durability_unchecked",
        fields: { settings: ["maxmemory-policy", "appendonly"], reason: "ERR unknown command 'CONFIG'" },
      }),
    ]);
    expect(findings[0]?.message).toMatch(/^Could not check Redis maxmemory-policy and appendonly \(ERR unknown command 'CONFIG'\)/);
  });

  it("still judges the setting it could read", () => {
    const findings = assessRedisDurability({ maxmemoryPolicy: "volatile-lru", appendonly: undefined });
    expect(findings.map((finding) => finding.alert)).toEqual(["redis_eviction_policy_unsafe", "redis_durability_unchecked"]);
    expect(findings[1]?.fields).toEqual({ settings: ["appendonly"] });
  });
});

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const logger: DurabilityLogger = {
    error: (fields, message) => lines.push({ level: "error", fields, message }),
    warn: (fields, message) => lines.push({ level: "warn", fields, message }),
  };
  return { lines, logger };
}

// The test Redis (test/support/global-redis.ts) runs with noeviction and AOF off.
describe("checkRedisDurability against a real Redis", () => {
  let redis: Redis;
  const user = `sy-durability-${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
  });
  afterAll(async () => {
    await redis.call("ACL", "DELUSER", user);
    await redis.quit();
  });

  it("reads the settings with CONFIG GET", async () => {
    expect(await readRedisDurabilitySettings(redis)).toEqual({ maxmemoryPolicy: "noeviction", appendonly: "no" });
  });

  it("waits for the connection, logs each finding at its level, and writes only errors to stderr", async () => {
    const { lines, logger } = recordingLogger();
    const stderr: string[] = [];
    // A fresh producer connection refuses commands until ready; the check must wait for it.
    const fresh = createRedis(inject("redisUrl"), "producer");
    try {
      const findings = await checkRedisDurability(fresh, logger, { write: (text: string) => stderr.push(text) });
      expect(findings.map((finding) => finding.alert)).toEqual(["redis_persistence_off"]);
      expect(lines).toEqual([{ level: "warn", fields: { alert: "redis_persistence_off", appendonly: "no" }, message: findings[0]?.message }]);
      expect(stderr).toEqual([]);
    } finally {
      fresh.disconnect();
    }
  });

  it("says it could not check when CONFIG is refused, and does not throw", async () => {
    // An ACL user without +config stands in for managed Redis that hides CONFIG.
    await redis.call("ACL", "SETUSER", user, "on", `>${password}`, "~*", "&*", "+@all", "-config");
    const url = new URL(inject("redisUrl"));
    url.username = user;
    url.password = password;
    const restricted = createRedis(url.toString(), "producer");
    try {
      const { lines, logger } = recordingLogger();
      const findings = await checkRedisDurability(restricted, logger, { write: () => true });
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ level: "warn", alert: "redis_durability_unchecked" });
      expect(findings[0]?.fields.reason).toMatch(/NOPERM/);
      expect(lines[0]?.fields).toMatchObject({ alert: "redis_durability_unchecked", settings: ["maxmemory-policy", "appendonly"] });
    } finally {
      restricted.disconnect();
    }
  });
});
