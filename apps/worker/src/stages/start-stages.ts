import { Worker } from "bullmq";
import { CACHE_STAGE_QUEUE, RETRY_STAGE_QUEUE } from "@switchyard/contracts";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { failAbandonedJobs } from "../failure/abandoned-job.js";
import { workerOptions } from "../worker-options.js";
import { cacheStage } from "./cache-stage.js";
import { retryStage } from "./retry-stage.js";

const STAGE_CONCURRENCY = 64;

/** The cascade's own queues after the deployments: the response cache, then the retry queue. */
export function startStages(dependencies: CascadeDependencies): Worker[] {
  const { config, logger } = dependencies;
  const stages = [
    { queue: CACHE_STAGE_QUEUE, processor: cacheStage(dependencies) },
    { queue: RETRY_STAGE_QUEUE, processor: retryStage(dependencies) },
  ];
  return stages.map(({ queue, processor }) => {
    const worker = new Worker(queue, processor, workerOptions(config.redis.url, config.redis.prefix, STAGE_CONCURRENCY));
    worker.on("error", (error) => logger.warn({ err: error, queue }, "stage worker error"));
    worker.on("failed", (job, error) => logger.error({ jobId: job?.id, err: error, queue }, "stage job failed"));
    failAbandonedJobs(worker, dependencies);
    return worker;
  });
}
