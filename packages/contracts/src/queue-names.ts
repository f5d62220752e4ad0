import type { Tier } from "./tier.js";

/**
 * Queue names use `.` as their delimiter (BullMQ forbids `:` in names) so Bull Board can group them:
 * `tier.premium`, `deployment.openai-gpt-4o`.
 */
export const QUEUE_NAME_DELIMITER = ".";

export function tierQueueName(tier: Tier): string {
  return `tier${QUEUE_NAME_DELIMITER}${tier}`;
}

export function deploymentQueueName(deploymentId: string): string {
  return `deployment${QUEUE_NAME_DELIMITER}${deploymentId}`;
}

/** Job ids are derived from the request id and hop, so a duplicated enqueue cannot create a second job. */
export function hopJobId(requestId: string, hop: number): string {
  return `${requestId}-h${hop}`;
}

/** The cascade's own stages, after the deployments: the response cache, then the retry queue. */
export const CACHE_STAGE_QUEUE = `stage${QUEUE_NAME_DELIMITER}cache`;
export const RETRY_STAGE_QUEUE = `stage${QUEUE_NAME_DELIMITER}retry`;

/** Webhook deliveries (one job per message and target, retried on the spec's schedule) and their dead letters. */
export const WEBHOOK_DELIVERY_QUEUE = `webhooks${QUEUE_NAME_DELIMITER}delivery`;
export const WEBHOOK_DEAD_LETTER_QUEUE = `webhooks${QUEUE_NAME_DELIMITER}dead`;
