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
}

export function keyNames(prefix: string): KeyNames {
  return {
    request: (id) => `${prefix}:request:${id}`,
    requestHops: (id) => `${prefix}:request:${id}:hops`,
    requestEvents: () => `${prefix}:events:request`,
    deploymentRateLimit: (deploymentId) => `${prefix}:deployment:${deploymentId}:ratelimit`,
    deploymentBreaker: (deploymentId) => `${prefix}:deployment:${deploymentId}:breaker`,
    responseCache: (tenant, hash) => `${prefix}:response-cache:${tenant}:${hash}`,
  };
}
