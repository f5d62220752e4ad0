import { Redis } from "ioredis";
import { EmbeddedRedis, hasRedisServer, INSTALL_HINT } from "@switchyard/embedded-redis";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export interface ResolvedRedis {
  url: string;
  source: "REDIS_URL" | "default" | "embedded";
  embedded?: EmbeddedRedis;
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * REDIS_URL when set; otherwise a Redis already answering on the default address; otherwise a
 * `redis-server` child on a free port with its data under `dataDir`.
 */
export async function resolveRedis(env: Record<string, string | undefined>, dataDir: string): Promise<ResolvedRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, source: "REDIS_URL" };
  // The address probed before starting our own; tests point it at a closed port to force the embedded path.
  const probeUrl = env.SWITCHYARD_DEFAULT_REDIS_URL ?? DEFAULT_REDIS_URL;
  if (await answers(probeUrl, 500)) return { url: probeUrl, source: "default" };
  if (!hasRedisServer()) throw new Error(INSTALL_HINT);
  const embedded = await EmbeddedRedis.start({ dataDir, appendOnly: true });
  return { url: embedded.url, source: "embedded", embedded };
}
