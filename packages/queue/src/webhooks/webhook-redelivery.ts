import {
  WEBHOOK_DELIVERY_QUEUE,
  webhookDeliveryJobId,
  type WebhookDeadLetterJobData,
  type WebhookDeliveryJobData,
} from "@switchyard/contracts";
import type { QueueRegistry } from "../queue-registry.js";
import { webhookDeliveryJobOptions } from "./delivery-job-options.js";

/**
 * Sends a dead letter again: the same message (same `webhook-id`, same body) as a new round in the delivery
 * queue, with the whole retry schedule ahead of it. The round's job id is derived, so redelivering the same dead
 * letter twice (an API call and a Bull Board retry) enqueues it once. Returns the new job's id.
 */
export async function redeliverDeadLetter(
  queues: QueueRegistry,
  deadLetter: WebhookDeadLetterJobData,
  retryScheduleMs: readonly number[],
): Promise<string> {
  const round = deadLetter.delivery.round + 1;
  const delivery: WebhookDeliveryJobData = { ...deadLetter.delivery, round };
  const jobId = webhookDeliveryJobId(delivery.deliveryId, round);
  await queues.byName(WEBHOOK_DELIVERY_QUEUE).add(delivery.eventType, delivery, webhookDeliveryJobOptions(retryScheduleMs, jobId));
  return jobId;
}
