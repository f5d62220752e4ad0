import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { RETRY_STAGE_QUEUE, stageJobDataSchema } from "@switchyard/contracts";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { startRound, type RoundOutcome } from "../cascade/start-round.js";

/** A request's delayed retry-queue job came due: a new round of the cascade, with circuits as they are now. */
export function retryStage(dependencies: CascadeDependencies) {
  const { logger, now } = dependencies;
  return async (job: Job): Promise<RoundOutcome> => {
    const startedAtMs = now();
    const parsed = stageJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, "invalid retry stage job data");
      throw new UnrecoverableError("invalid retry stage job data");
    }
    const data = parsed.data;
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
