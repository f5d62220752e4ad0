import type { Job } from "bullmq";
import { RETRY_STAGE_QUEUE, stageJobDataSchema } from "@switchyard/contracts";
import { parseJobData } from "../parse-job-data.js";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { startRound, type RoundOutcome } from "../cascade/start-round.js";

/** A request's delayed retry-queue job came due: a new round of the cascade, with circuits as they are now. */
export function retryStage(dependencies: CascadeDependencies) {
  const { logger, now } = dependencies;
  return async (job: Job): Promise<RoundOutcome> => {
    const startedAtMs = now();
    const data = parseJobData(stageJobDataSchema, job, logger, "retry stage");
    return startRound(dependencies, {
      requestId: data.requestId,
      request: data.request,
      classification: data.classification,
      acceptedAtMs: data.acceptedAtMs,
      retryRounds: data.cascade.retryRounds,
      hop: { n: data.hop, stage: "retry", queue: RETRY_STAGE_QUEUE, jobId: String(job.id), attempt: data.cascade.retryRounds, startedAtMs },
    });
  };
}
