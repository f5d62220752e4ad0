/**
 * Every Redis key Switchyard owns (BullMQ's own keys aside) is built here. The prefix is a Cluster hash
 * tag such as `{sy}`, so all keys of one installation share a slot and multi-key Lua scripts are legal.
 */
export interface KeyNames {
  request(id: string): string;
  requestHops(id: string): string;
  /** Pub/sub channel announcing terminal transitions as "<id> <status>". */
  requestEvents(): string;
  /** The latest rate-limit state a deployment's provider reported (JSON). */
  deploymentRateLimit(deploymentId: string): string;
  /** A deployment's circuit breaker state, shared by every API and worker process (hash, see lua/breaker-*.lua). */
  deploymentBreaker(deploymentId: string): string;
  /** One response-cache entry (JSON); `hash` is `responseCacheKey(tenant, request)`. */
  responseCache(tenant: string, hash: string): string;
  /** A deployment's fleet-wide rate limiter (see lua/limiter-*.lua): running token total, pause, provider figures (hash). */
  deploymentLimiter(deploymentId: string): string;
  /** The limiter's sliding window: reservations scored by when they were made (sorted set of lease ids). */
  deploymentLimiterWindow(deploymentId: string): string;
  /** The token amount of each reservation in the window (hash: lease id → tokens). */
  deploymentLimiterTokens(deploymentId: string): string;
  /** The limiter's in-flight leases, scored by when they expire (sorted set of lease ids). */
  deploymentLimiterLeases(deploymentId: string): string;
  /** A deployment's moving average of call latency in ms (a decimal string, see lua/deployment-latency-1.lua). */
  deploymentLatency(deploymentId: string): string;
  /** A balancing pool's fleet-wide round-robin counter (INCR). */
  poolRoundRobin(pool: string): string;
}

export function keyNames(prefix: string): KeyNames {
  return {
    request: (id) => `${prefix}:request:${id}`,
    requestHops: (id) => `${prefix}:request:${id}:hops`,
    requestEvents: () => `${prefix}:events:request`,
    deploymentRateLimit: (deploymentId) => `${prefix}:deployment:${deploymentId}:ratelimit`,
    deploymentBreaker: (deploymentId) => `${prefix}:deployment:${deploymentId}:breaker`,
    responseCache: (tenant, hash) => `${prefix}:response-cache:${tenant}:${hash}`,
    deploymentLimiter: (deploymentId) => `${prefix}:deployment:${deploymentId}:limiter`,
    deploymentLimiterWindow: (deploymentId) => `${prefix}:deployment:${deploymentId}:limiter:window`,
    deploymentLimiterTokens: (deploymentId) => `${prefix}:deployment:${deploymentId}:limiter:tokens`,
    deploymentLimiterLeases: (deploymentId) => `${prefix}:deployment:${deploymentId}:limiter:leases`,
    deploymentLatency: (deploymentId) => `${prefix}:deployment:${deploymentId}:latency`,
    poolRoundRobin: (pool) => `${prefix}:pool:${pool}:round-robin`,
  };
}
