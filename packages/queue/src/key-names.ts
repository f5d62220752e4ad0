/**
 * Every Redis key Switchyard owns (BullMQ's own keys aside) is built here, except two features' own, which sit
 * beside their stores: tenants/tenant-key-names.ts (API keys, budgets) and webhooks/webhook-keys.ts (endpoints,
 * signing secrets). The prefix is a Cluster hash tag such as `{sy}`, so all keys of one installation share a slot
 * and multi-key Lua scripts are legal.
 */
export interface KeyNames {
  request(id: string): string;
  requestHops(id: string): string;
  /** A tenant's request ids scored by creation time (sorted set), for listing; see lua/create-request-3.lua. */
  tenantRequestIndex(tenant: string): string;
  /** Every tenant's request ids scored by creation time (sorted set), for admins' listing. */
  requestIndex(): string;
  /** An Idempotency-Key's entry (JSON), per tenant; `keyHash` is the SHA-256 of the caller's key. */
  idempotencyKey(tenant: string, keyHash: string): string;
  /** Pub/sub channel announcing terminal transitions as "<id> <status>". */
  requestEvents(): string;
  /**
   * The outbox: a stream with one entry (id, status, tenant, atMs) per terminal transition and per entry into
   * `queued_for_retry`, written by the same Lua script as the transition, so consumer groups (webhooks, budget
   * settlement) see every one exactly as it happened, even across crashes.
   */
  outbox(): string;
  /**
   * A streamed request's answer as it is generated (a stream: normalized events, then one final `done` or `error`
   * entry; see request-stream/), capped and expiring, read by the API process relaying it to the caller.
   */
  requestStream(id: string): string;
  /** Pub/sub channel on which a cancelled request's id is announced, so the worker running its call aborts it. */
  cancelNotices(): string;
  /** A deployment's circuit breaker state, shared by every API and worker process (hash, see lua/breaker-*.lua). */
  deploymentBreaker(deploymentId: string): string;
  /** One response-cache entry (JSON); `hash` is `responseCacheKey(tenant, request)`. */
  responseCache(tenant: string, hash: string): string;
  /**
   * A fleet-wide rate limiter's keys (see lua/limiter-*.lua), per deployment or per tenant: `main` holds the running
   * token total, pause and provider figures, and the provider's whole reported state that RateLimitStore reads
   * (hash); `window` the reservations scored by when they were made and `leases` the in-flight leases scored by
   * when they expire (sorted sets of lease ids); `tokens` each reservation's token amount (hash).
   */
  limiter(scope: LimiterScope, id: string): { main: string; window: string; tokens: string; leases: string };
  /** A deployment's moving average of call latency in ms (a decimal string, see lua/deployment-latency-1.lua). */
  deploymentLatency(deploymentId: string): string;
  /** A balancing pool's fleet-wide round-robin counter (INCR). */
  poolRoundRobin(pool: string): string;
}

/** What a rate limiter's budget belongs to. */
export type LimiterScope = "deployment" | "tenant";

export function keyNames(prefix: string): KeyNames {
  return {
    request: (id) => `${prefix}:request:${id}`,
    requestHops: (id) => `${prefix}:request:${id}:hops`,
    tenantRequestIndex: (tenant) => `${prefix}:requests:tenant:${tenant}`,
    requestIndex: () => `${prefix}:requests:all`,
    idempotencyKey: (tenant, keyHash) => `${prefix}:idempotency:${tenant}:${keyHash}`,
    requestEvents: () => `${prefix}:events:request`,
    outbox: () => `${prefix}:events:outbox`,
    requestStream: (id) => `${prefix}:request:${id}:stream`,
    cancelNotices: () => `${prefix}:events:cancel`,
    deploymentBreaker: (deploymentId) => `${prefix}:deployment:${deploymentId}:breaker`,
    responseCache: (tenant, hash) => `${prefix}:response-cache:${tenant}:${hash}`,
    limiter: (scope, id) => {
      const main = `${prefix}:${scope}:${id}:limiter`;
      return { main, window: `${main}:window`, tokens: `${main}:tokens`, leases: `${main}:leases` };
    },
    deploymentLatency: (deploymentId) => `${prefix}:deployment:${deploymentId}:latency`,
    poolRoundRobin: (pool) => `${prefix}:pool:${pool}:round-robin`,
  };
}
