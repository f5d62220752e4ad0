import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedRedis, type EmbeddedRedisOptions } from "@switchyard/embedded-redis";

export interface ChaosRedis {
  redis: EmbeddedRedis;
  url: string;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * A chaos run's own redis-server with an append-only file in a fresh folder, so the run can crash and restart it
 * (same port, same data) without touching the Redis other suites share.
 */
export async function startChaosRedis(options: Pick<EmbeddedRedisOptions, "appendFsync"> = {}): Promise<ChaosRedis> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchyard-chaos-redis-"));
  const redis = await EmbeddedRedis.start({ dataDir, appendOnly: true, ...options });
  return {
    redis,
    url: redis.url,
    stop: async () => {
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
