import { z } from "zod";
import { webhookEventTypeSchema } from "./webhook-event.js";

/** The pseudo endpoint id of a request's own `webhook.url`. */
export const REQUEST_WEBHOOK_TARGET = "request";

/**
 * One webhook message to one target, as a job in `webhooks.delivery`. The body is fixed when the event is fanned
 * out, so every attempt sends (and signs) the same bytes; the secret is looked up at each attempt, never stored
 * here (job data is shown in Bull Board).
 */
export const webhookDeliveryJobDataSchema = z.object({
  /** `<outbox entry id>-<target>`: the same for every attempt and redelivery. */
  deliveryId: z.string(),
  /** `webhook-id`: `msg_` + the delivery id, stable across retries so receivers can deduplicate. */
  messageId: z.string().regex(/^msg_[A-Za-z0-9_-]+$/),
  tenant: z.string(),
  /** A registered endpoint's id, or `request` for the request's own webhook URL. */
  target: z.string(),
  /** The URL, for a request's own webhook only (an endpoint's URL is read at each attempt). */
  url: z.string().optional(),
  eventType: webhookEventTypeSchema,
  requestId: z.string(),
  body: z.string(),
  /** 0 for the first delivery, then one more per redelivery from the dead-letter queue. */
  round: z.number().int().nonnegative(),
});
export type WebhookDeliveryJobData = z.infer<typeof webhookDeliveryJobDataSchema>;

/** A delivery that gave up, as a job in `webhooks.dead`: the delivery itself plus why it ended. */
export const webhookDeadLetterJobDataSchema = z.object({
  delivery: webhookDeliveryJobDataSchema,
  /** `exhausted` (every scheduled attempt failed), `gone` (410), `refused` (SSRF policy). */
  reason: z.enum(["exhausted", "gone", "refused"]),
  lastError: z.string(),
  attempts: z.number().int().nonnegative(),
  deadAtMs: z.number().int(),
  /** Set by the dead-letter worker when it parks the job as failed; a retry of a parked job redelivers it. */
  parkedAtMs: z.number().int().optional(),
});
export type WebhookDeadLetterJobData = z.infer<typeof webhookDeadLetterJobDataSchema>;

/** Job ids: round 0 is the delivery id itself, later rounds `-r<n>`, so a repeated add is a no-op. */
export function webhookDeliveryJobId(deliveryId: string, round: number): string {
  return round === 0 ? deliveryId : `${deliveryId}-r${round}`;
}

export function webhookMessageId(deliveryId: string): string {
  return `msg_${deliveryId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
