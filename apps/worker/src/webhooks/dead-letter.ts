import { UnrecoverableError, type Job, type Processor } from "bullmq";
import {
  WEBHOOK_DEAD_LETTER_QUEUE,
  webhookDeadLetterJobDataSchema,
  type WebhookDeadLetterJobData,
  type WebhookDeliveryJobData,
} from "@switchyard/contracts";
import { redeliverDeadLetter } from "@switchyard/queue";
import type { WebhookDependencies } from "./webhook-dependencies.js";

/**
 * Files a delivery that gave up in `webhooks.dead`, under the failed delivery job's own id (so a stalled job that
 * runs its last attempt twice files it once).
 */
export async function fileDeadLetter(
  dependencies: Pick<WebhookDependencies, "queues" | "now">,
  deliveryJob: Job<WebhookDeliveryJobData>,
  delivery: WebhookDeliveryJobData,
  reason: WebhookDeadLetterJobData["reason"],
  lastError: string,
  attempts: number,
): Promise<void> {
  const data: WebhookDeadLetterJobData = { delivery, reason, lastError, attempts, deadAtMs: dependencies.now() };
  await dependencies.queues.byName(WEBHOOK_DEAD_LETTER_QUEUE).add(delivery.eventType, data, { jobId: deliveryJob.id!, attempts: 1 });
}

/**
 * The dead-letter queue's worker. A new dead letter is parked at once as a failed job: it shows in Bull Board's
 * "failed" tab with the delivery's last error, and stays there. Bull Board's "retry" on it runs it again, and this
 * time (it is marked parked) it is redelivered: a new round in `webhooks.delivery`, same `webhook-id`, the whole
 * schedule ahead. `POST /v1/webhooks/deliveries/:id/redeliver` does the same from the API.
 */
export function deadLetterProcessor(dependencies: WebhookDependencies): Processor<WebhookDeadLetterJobData> {
  return async (job) => {
    const parsed = webhookDeadLetterJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid dead letter: ${parsed.error.issues[0]?.message ?? "unreadable"}`);
    const deadLetter = parsed.data;
    if (deadLetter.parkedAtMs === undefined) {
      await job.updateData({ ...deadLetter, parkedAtMs: dependencies.now() });
      throw new UnrecoverableError(`dead letter (${deadLetter.reason} after ${deadLetter.attempts} attempt(s)): ${deadLetter.lastError}`);
    }
    const redeliveredAs = await redeliverDeadLetter(dependencies.queues, deadLetter, dependencies.config.webhooks.retryScheduleMs);
    dependencies.logger.info({ deadLetterId: job.id, redeliveredAs }, "dead letter redelivered from the dashboard");
    return { redeliveredAs };
  };
}
