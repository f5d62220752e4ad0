import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { EmbeddedRedis } from "@switchyard/embedded-redis";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One redis-server per test run on a free port; tests isolate themselves with their own key prefix. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchyard-test-redis-"));
  const redis = await EmbeddedRedis.start({ dataDir, appendOnly: false });
  project.provide("redisUrl", redis.url);
  return async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
