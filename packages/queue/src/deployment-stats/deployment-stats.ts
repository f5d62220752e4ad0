import type { Redis } from "ioredis";
import { keyNames, type KeyNames } from "../key-names.js";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";

/** The weight of a new sample in the latency average: about the last 10 calls carry 90% of it. */
export const DEFAULT_LATENCY_ALPHA = 0.2;
/**
 * How long a latency average outlives its last sample. The `latency` strategy stops sending calls to a
 * slow member, so its average would never move again; once it expires the member counts as unmeasured,
 * is tried once more, and gets a fresh average. One probe call per stale member per TTL is the price.
 */
export const DEFAULT_LATENCY_TTL_MS = 10 * 60_000;

export interface DeploymentStatsOptions {
  /** 0 < alpha <= 1: the weight of a new sample in the moving average (default 0.2). */
  latencyAlpha?: number;
  /** A latency average expires this long after its last sample (default 10 minutes). */
  latencyTtlMs?: number;
}

/**
 * The per-deployment figures the pool balancing strategies read, shared by the fleet: each deployment's
 * moving average of call latency, and each pool's round-robin counter. (Calls in flight and the budget
 * left come from the rate limiter.)
 *
 * Redis: `{prefix}:deployment:<id>:latency` is a decimal string moved only by lua/deployment-latency-1.lua
 * (one EVALSHA per successful call: GET, SET PX); `{prefix}:pool:<name>:round-robin` is an INCR counter
 * without expiry (one small key per pool ever configured).
 */
export class DeploymentStats {
  private readonly keys: KeyNames;
  private readonly scripts: SwitchyardScripts;
  private readonly latencyAlpha: number;
  private readonly latencyTtlMs: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: DeploymentStatsOptions = {},
  ) {
    this.latencyAlpha = options.latencyAlpha ?? DEFAULT_LATENCY_ALPHA;
    this.latencyTtlMs = options.latencyTtlMs ?? DEFAULT_LATENCY_TTL_MS;
    if (!(this.latencyAlpha > 0 && this.latencyAlpha <= 1)) {
      throw new RangeError(`latencyAlpha must be in (0, 1], got ${this.latencyAlpha}`);
    }
    if (!(Number.isInteger(this.latencyTtlMs) && this.latencyTtlMs > 0)) {
      throw new RangeError(`latencyTtlMs must be a positive integer, got ${this.latencyTtlMs}`);
    }
    this.keys = keyNames(prefix);
    this.scripts = defineScripts(redis);
  }

  /** After a successful call: folds its latency into the deployment's moving average, atomically across the fleet. */
  async recordLatency(deploymentId: string, latencyMs: number): Promise<void> {
    if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) {
      throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
    }
    await this.scripts.deploymentLatency([this.keys.deploymentLatency(deploymentId)], [latencyMs, this.latencyAlpha, this.latencyTtlMs]);
  }

  /** Each deployment's latency average in ms, undefined when it has none (never measured, or expired). One round trip. */
  async latencies(deploymentIds: readonly string[]): Promise<Map<string, number | undefined>> {
    const averages = new Map<string, number | undefined>();
    if (deploymentIds.length === 0) return averages;
    const values = await this.redis.mget(...deploymentIds.map((id) => this.keys.deploymentLatency(id)));
    deploymentIds.forEach((id, index) => {
      const value = values[index] == null ? Number.NaN : Number(values[index]);
      averages.set(id, Number.isFinite(value) ? value : undefined);
    });
    return averages;
  }

  /**
   * Advances the pool's fleet-wide round-robin counter and returns its value BEFORE the increment: the
   * first call ever returns 0, so the first member in config order serves first.
   */
  async nextRoundRobin(pool: string): Promise<number> {
    return (await this.redis.incr(this.keys.poolRoundRobin(pool))) - 1;
  }
}
