import { Redis, type RedisOptions } from "ioredis";

/**
 * Producers (the API) fail fast when Redis is away, so a caller gets a 503 instead of a request that
 * was never stored. Workers wait and reconnect forever, which BullMQ requires of blocking connections.
 */
export type ConnectionRole = "producer" | "worker";

export function redisOptionsFor(role: ConnectionRole): RedisOptions {
  const reconnect = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000);
  return role === "producer"
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: reconnect, connectTimeout: 2_000 }
    : { enableOfflineQueue: true, maxRetriesPerRequest: null, retryStrategy: reconnect };
}

/**
 * A non-blocking connection for Switchyard's own commands and queue adds. Commands issued together without
 * awaiting each other (`Promise.all`) already share one round trip: each is written at once and Redis answers them
 * in order. ioredis's auto-pipelining is left off on purpose: it holds every command until `setImmediate` and
 * wraps it in a pipeline, which in the benchmark cost ~1 ms of submit-to-completion latency (p50 4.4 → 3.4 ms
 * without it) and ~10% of throughput in CPU. (BullMQ's workers keep their own connections.)
 */
export function createRedis(url: string, role: ConnectionRole, connectionName?: string): Redis {
  return new Redis(url, {
    ...redisOptionsFor(role),
    ...(connectionName ? { connectionName } : {}),
  });
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}
