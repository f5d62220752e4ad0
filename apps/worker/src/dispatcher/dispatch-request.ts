import type { Job } from "bullmq";
import { tierJobDataSchema, tierQueueName } from "@switchyard/contracts";
import { parseJobData } from "../parse-job-data.js";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { startRound, type RoundOutcome } from "../cascade/start-round.js";

/**
 * Consumes a tier job: the first round of the request's cascade (rank, build the fallback chain, enqueue the
 * primary). The dispatch job is hop 1.
 */
export function dispatchRequest(dependencies: CascadeDependencies) {
  const { logger, now } = dependencies;
  return async (job: Job): Promise<RoundOutcome> => {
    const startedAtMs = now();
    const data = parseJobData(tierJobDataSchema, job, logger, "tier");
    return startRound(dependencies, {
      requestId: data.requestId,
      request: data.request,
      classification: data.classification,
      acceptedAtMs: data.acceptedAtMs,
      retryRounds: 0,
      hop: { n: 1, stage: "dispatch", queue: tierQueueName(data.classification.tier), jobId: String(job.id), attempt: job.attemptsMade + 1, startedAtMs },
    });
  };
}
