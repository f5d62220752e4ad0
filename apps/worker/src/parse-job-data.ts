import { UnrecoverableError, type Job } from "bullmq";
import type { z } from "zod";
import type { Logger } from "@switchyard/logging";

/**
 * A job's data, validated at the queue boundary. Data that does not match is never retried (it cannot start to
 * match): the job fails at once, logged with the first issues, and shows in Bull Board.
 */
export function parseJobData<T extends z.ZodType>(schema: T, job: Job, logger: Logger, what: string): z.infer<T> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  logger.error({ jobId: job.id, queue: job.queueName, issues: parsed.error.issues.slice(0, 3) }, `invalid ${what} job data`);
  throw new UnrecoverableError(`invalid ${what} job data`);
}
