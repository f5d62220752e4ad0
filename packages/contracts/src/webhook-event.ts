import { z } from "zod";

/**
 * Webhook event types (Standard Webhooks: full-stop delimited, `[a-z_]` identifiers). One per outbox transition:
 * each terminal status and each entry into the retry queue. `batch.*` will join them.
 */
export const WEBHOOK_EVENT_TYPES = ["request.succeeded", "request.failed", "request.cancelled", "request.queued_for_retry"] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/**
 * The event an outbox entry announces (its `status` field, a RequestStatus), or undefined for a status no event is
 * sent for. Typed as a string: chat-request.ts imports this module, and request-record.ts imports chat-request.ts.
 */
export function webhookEventTypeFor(status: string): WebhookEventType | undefined {
  switch (status) {
    case "succeeded":
      return "request.succeeded";
    case "failed":
      return "request.failed";
    case "cancelled":
      return "request.cancelled";
    case "queued_for_retry":
      return "request.queued_for_retry";
    default:
      return undefined;
  }
}

/**
 * The body of every webhook (the spec's recommended shape): `timestamp` is when the transition happened (ISO
 * 8601), not when this attempt was made; `data` is the request as `GET /v1/requests/:id` shows it.
 */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}
