import { Worker } from "bullmq";
import { deploymentQueueName } from "@switchyard/contracts";
import type { RequestStreams } from "@switchyard/queue";
import type { AdapterRegistry } from "@switchyard/providers";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import type { RunningCalls } from "../cancellation/running-calls.js";
import { failAbandonedJobs } from "../failure/abandoned-job.js";
import { workerOptions } from "../worker-options.js";
import { callDeployment } from "./call-deployment.js";

export interface ProviderPoolsDependencies extends CascadeDependencies {
  adapters: AdapterRegistry;
  /** See CallDependencies.leaseMs. */
  leaseMs: number;
  /** See CallDependencies.rateLimiting. */
  rateLimiting: "fleet" | "bullmq";
  /** Only these providers' pools; all when empty. */
  providers: string[];
  /** See CallDependencies.streams. */
  streams: RequestStreams;
  /** See CallDependencies.runningCalls. */
  runningCalls: RunningCalls;
}

/**
 * A pool per provider: one BullMQ worker per enabled deployment queue, its concurrency the deployment's
 * in-flight limit (per process for now; fleet-wide limits come with the rate-limit work).
 */
export function startProviderPools(dependencies: ProviderPoolsDependencies): Worker[] {
  const { config, logger, providers } = dependencies;
  return config.deployments
    .filter((deployment) => deployment.enabled)
    .filter((deployment) => providers.length === 0 || providers.includes(deployment.provider))
    .map((deployment) => {
      const queue = deploymentQueueName(deployment.id);
      const processor = callDeployment({ ...dependencies, deployment, logger: logger.child({ provider: deployment.provider }) });
      const options = workerOptions(config.redis.url, config.redis.prefix, deployment.limits.concurrency);
      const { rpm, windowMs } = deployment.limits;
      // The naive baseline: BullMQ's own limiter, jobs per window per queue, blind to tokens and to the provider.
      if (dependencies.rateLimiting === "bullmq" && rpm !== undefined) options.limiter = { max: rpm, duration: windowMs };
      const worker = new Worker(queue, processor, options);
      worker.on("error", (error) => logger.warn({ err: error, queue }, "provider worker error"));
      failAbandonedJobs(worker, dependencies);
      return worker;
    });
}
