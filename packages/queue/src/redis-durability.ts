/**
 * Whether the Redis we run on keeps what Switchyard accepted: it must never evict keys (BullMQ cannot recover
 * from an evicted job or queue key, and an evicted request record is a request nobody can read again) and it
 * should persist to an append-only file (without it, a restart loses every request accepted since the last
 * snapshot). `infra/redis/redis.conf` has the settings. The API and the worker check at start and warn loudly;
 * they never refuse to start, since managed Redis often hides CONFIG and the operator may know better.
 *
 * The decision is a pure function over the two settings (`assessRedisDurability`); reading them and reporting
 * the findings is the edge (`checkRedisDurability`).
 */
import type { Redis } from "ioredis";

/** The settings as `CONFIG GET` returned them; `undefined` when they could not be read. */
export interface RedisDurabilitySettings {
  maxmemoryPolicy: string | undefined;
  appendonly: string | undefined;
  /** Why a setting could not be read (CONFIG refused on managed Redis, an ACL without +config, Redis away). */
  unreadableReason?: string;
}

export type RedisDurabilityAlert = "redis_eviction_policy_unsafe" | "redis_persistence_off" | "redis_durability_unchecked";

export interface RedisDurabilityFinding {
  /** `error`: accepted work can be lost in normal operation; `warn`: lost on a restart, or not known. */
  level: "error" | "warn";
  alert: RedisDurabilityAlert;
  /** One line for people: what is wrong, what it costs, how to fix it. */
  message: string;
  /** Structured fields for the log line, next to `alert`. */
  fields: Record<string, unknown>;
}

const FIX_HINT = "see infra/redis/redis.conf";

/** What is unsafe about these settings, most severe first; empty when Redis is set up as Switchyard needs. */
export function assessRedisDurability(settings: RedisDurabilitySettings): RedisDurabilityFinding[] {
  const findings: RedisDurabilityFinding[] = [];
  const unchecked: string[] = [];
  const policy = settings.maxmemoryPolicy?.trim().toLowerCase();
  const appendonly = settings.appendonly?.trim().toLowerCase();

  // Every policy but noeviction is unsafe, volatile-* included: request records and circuit keys carry TTLs,
  // so those policies evict them first. Even with `maxmemory 0` today, a later memory cap starts evicting.
  if (policy === undefined) unchecked.push("maxmemory-policy");
  else if (policy !== "noeviction") {
    findings.push({
      level: "error",
      alert: "redis_eviction_policy_unsafe",
      message:
        `Redis maxmemory-policy is "${policy}": under memory pressure Redis may evict BullMQ jobs and request records, ` +
        `and the requests they hold are lost. Set "maxmemory-policy noeviction" (${FIX_HINT}).`,
      fields: { policy },
    });
  }

  if (appendonly === undefined) unchecked.push("appendonly");
  else if (appendonly === "no") {
    findings.push({
      level: "warn",
      alert: "redis_persistence_off",
      message:
        `Redis appendonly is "no": a Redis restart loses accepted requests unless persistence is on. ` +
        `Set "appendonly yes" (${FIX_HINT}).`,
      fields: { appendonly },
    });
  }

  if (unchecked.length > 0) {
    findings.push({
      level: "warn",
      alert: "redis_durability_unchecked",
      message:
        `Could not check Redis ${unchecked.join(" and ")}${settings.unreadableReason ? ` (${settings.unreadableReason})` : ""}; ` +
        `make sure it runs with "maxmemory-policy noeviction" and "appendonly yes" (${FIX_HINT}).`,
      fields: { settings: unchecked, ...(settings.unreadableReason ? { reason: settings.unreadableReason } : {}) },
    });
  }
  return findings;
}

async function readSetting(redis: Redis, name: string): Promise<{ value: string } | { reason: string }> {
  try {
    // One name per CONFIG GET: Redis before 7 takes a single pattern.
    const reply = await redis.config("GET", name);
    const pairs = Array.isArray(reply) ? (reply as unknown[]) : [];
    const index = pairs.indexOf(name);
    const value = index >= 0 ? pairs[index + 1] : undefined;
    // Some managed Redis answer an empty list instead of an error for settings they hide.
    return typeof value === "string" ? { value } : { reason: `CONFIG GET ${name} returned nothing` };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Reads the settings with CONFIG GET; a refused command leaves its setting `undefined`, never throws. */
export async function readRedisDurabilitySettings(redis: Redis): Promise<RedisDurabilitySettings> {
  const [policy, appendonly] = await Promise.all([readSetting(redis, "maxmemory-policy"), readSetting(redis, "appendonly")]);
  const reasons = [...new Set([policy, appendonly].flatMap((read) => ("reason" in read ? [read.reason] : [])))];
  return {
    maxmemoryPolicy: "value" in policy ? policy.value : undefined,
    appendonly: "value" in appendonly ? appendonly.value : undefined,
    ...(reasons.length > 0 ? { unreadableReason: reasons.join("; ") } : {}),
  };
}

/** The part of a pino logger the check needs; kept structural so this package does not depend on logging. */
export interface DurabilityLogger {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Reads the settings once the connection is ready, logs every finding at its level, and writes the `error`
 * ones to stderr as well (one line each), where an operator reading the console sees them without a log
 * pipeline. Never rejects: a process must start whatever the answer. Call it right after creating the
 * connection, without awaiting it.
 */
export async function checkRedisDurability(
  redis: Redis,
  logger: DurabilityLogger,
  stderr: { write(text: string): unknown } = process.stderr,
): Promise<RedisDurabilityFinding[]> {
  // The API's producer connection refuses commands until it is ready; the worker's would queue them.
  if (redis.status !== "ready") await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
  const findings = assessRedisDurability(await readRedisDurabilitySettings(redis));
  for (const finding of findings) {
    logger[finding.level]({ alert: finding.alert, ...finding.fields }, finding.message);
    if (finding.level === "error") stderr.write(`WARNING: ${finding.message}\n`);
  }
  return findings;
}
