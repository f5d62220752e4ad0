import type { JobsOptions } from "bullmq";

/** The name of the custom backoff the delivery worker implements (the spec's schedule, with jitter). */
export const WEBHOOK_BACKOFF_TYPE = "webhook-schedule";

/**
 * A delivery job's options on top of the queue's defaults: one first attempt plus one per scheduled retry, each
 * retry delayed by the worker's `backoffStrategy`.
 */
export function webhookDeliveryJobOptions(retryScheduleMs: readonly number[], jobId: string): JobsOptions {
  return { jobId, attempts: retryScheduleMs.length + 1, backoff: { type: WEBHOOK_BACKOFF_TYPE } };
}
