import { Worker } from "bullmq";
import { TIERS, tierQueueName } from "@switchyard/contracts";
import { failAbandonedJobs } from "../failure/abandoned-job.js";
import { workerOptions } from "../worker-options.js";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { dispatchRequest } from "./dispatch-request.js";

/** One BullMQ worker per tier queue, each running the dispatcher. */
export function startDispatcher(dependencies: CascadeDependencies): Worker[] {
  const { config, logger } = dependencies;
  const processor = dispatchRequest(dependencies);
  return TIERS.map((tier) => {
    const concurrency = config.tiers[tier]?.dispatchConcurrency ?? 64;
    const worker = new Worker(tierQueueName(tier), processor, workerOptions(config.redis.url, config.redis.prefix, concurrency));
    worker.on("error", (error) => logger.warn({ err: error, queue: tierQueueName(tier) }, "dispatcher worker error"));
    worker.on("failed", (job, error) => logger.error({ jobId: job?.id, err: error }, "dispatch job failed"));
    failAbandonedJobs(worker, dependencies);
    return worker;
  });
}
