import type { Redis } from "ioredis";
import { rateLimitStateSchema, type RateLimitState } from "@switchyard/contracts";
import { keyNames, type KeyNames } from "./key-names.js";

/** How long an observation stays useful when the provider gave no reset time. */
const DEFAULT_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3600_000;

/**
 * The latest rate-limit state each deployment's provider reported in its headers, shared by the fleet.
 * The rate limiter reads it to lower its budget to what the provider says remains, until the reset.
 */
export class RateLimitStore {
  private readonly keys: KeyNames;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = keyNames(prefix);
  }

  async record(deploymentId: string, state: RateLimitState): Promise<void> {
    const resets = [state.requests, state.tokens, state.inputTokens, state.outputTokens]
      .map((window) => window?.resetAtMs)
      .filter((resetAtMs): resetAtMs is number => resetAtMs !== undefined);
    const untilMs = Math.max(state.observedAtMs + (state.retryAfterMs ?? 0), ...resets);
    const ttlMs = Math.min(MAX_TTL_MS, Math.max(DEFAULT_TTL_MS, untilMs - state.observedAtMs));
    await this.redis.set(this.keys.deploymentRateLimit(deploymentId), JSON.stringify(state), "PX", ttlMs);
  }

  async get(deploymentId: string): Promise<RateLimitState | undefined> {
    const text = await this.redis.get(this.keys.deploymentRateLimit(deploymentId));
    return text ? rateLimitStateSchema.parse(JSON.parse(text)) : undefined;
  }
}
