import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { tierJobDataSchema, tierQueueName } from "@switchyard/contracts";
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
    const parsed = tierJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, "invalid tier job data");
      throw new UnrecoverableError("invalid tier job data");
    }
    const data = parsed.data;
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
