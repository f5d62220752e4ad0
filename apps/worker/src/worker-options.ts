import type { ConnectionOptions, WorkerOptions } from "bullmq";
import { redisOptionsFor } from "@switchyard/queue";

/** BullMQ worker options shared by every pool: own blocking connection, Switchyard's prefix. */
export function workerOptions(redisUrl: string, prefix: string, concurrency: number): WorkerOptions {
  return {
    connection: { url: redisUrl, ...redisOptionsFor("worker") } as ConnectionOptions,
    prefix,
    concurrency,
    // A SIGKILLed worker's jobs are picked up again after the lock expires.
    lockDuration: 30_000,
    stalledInterval: 15_000,
    maxStalledCount: 2,
  };
}
