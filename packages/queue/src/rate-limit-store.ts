import type { Redis } from "ioredis";
import { rateLimitStateSchema, type RateLimitState } from "@switchyard/contracts";
import { keyNames, type KeyNames } from "./key-names.js";

/** The field of a deployment's limiter state hash that holds the provider's last reported state (JSON). */
const PROVIDER_STATE_FIELD = "providerState";

/**
 * The latest rate-limit state each deployment's provider reported in its headers, as `GET /v1/deployments`
 * shows it. Read-only: the worker stores it with the call's end, in the deployment limiter's state hash beside
 * the figures the limiter holds the fleet to (FleetRateLimiter.settle, lua/limiter-settle-3.lua), so one
 * observation is one write, and a late answer to an earlier call does not replace a newer state.
 */
export class RateLimitStore {
  private readonly keys: KeyNames;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = keyNames(prefix);
  }

  async get(deploymentId: string): Promise<RateLimitState | undefined> {
    const text = await this.redis.hget(this.keys.limiter("deployment", deploymentId).main, PROVIDER_STATE_FIELD);
    return text ? rateLimitStateSchema.parse(JSON.parse(text)) : undefined;
  }
}
