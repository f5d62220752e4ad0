import type { ConnectionOptions, WorkerOptions } from "bullmq";
import { redisOptionsFor } from "@switchyard/queue";
import { workerLockEnvSchema, type WorkerLockEnv } from "./worker-env.js";

// main.ts validates the whole environment at boot (a bad value stops the worker there); the pools that build
// BullMQ workers only need the lock settings, so they are read here once rather than threaded through them.
let lockEnv: WorkerLockEnv | undefined;
function locks(): WorkerLockEnv {
  lockEnv ??= workerLockEnvSchema.parse(process.env);
  return lockEnv;
}

/** BullMQ worker options shared by every pool: own blocking connection, Switchyard's prefix. */
export function workerOptions(redisUrl: string, prefix: string, concurrency: number): WorkerOptions {
  const { SWITCHYARD_LOCK_DURATION_MS, SWITCHYARD_STALLED_INTERVAL_MS } = locks();
  return {
    connection: { url: redisUrl, ...redisOptionsFor("worker") } as ConnectionOptions,
    prefix,
    concurrency,
    // A SIGKILLed worker's jobs are picked up again after the lock expires (SWITCHYARD_LOCK_DURATION_MS) and the
    // next stalled check runs (every SWITCHYARD_STALLED_INTERVAL_MS).
    lockDuration: SWITCHYARD_LOCK_DURATION_MS,
    stalledInterval: SWITCHYARD_STALLED_INTERVAL_MS,
    maxStalledCount: 2,
  };
}
