import { randomBytes } from "node:crypto";
import { z } from "zod";
import { webhookEventTypeSchema } from "./webhook-event.js";

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * A webhook URL: absolute http(s), at most 2 KiB, no credentials in it (they would be sent to whoever the URL
 * names and shown in every listing). Which hosts it may reach is decided at delivery (webhook-address.ts).
 */
export const webhookUrlSchema = z
  .string()
  .max(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be an absolute http or https URL")
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.username === "" && url.password === "";
    } catch {
      return true;
    }
  }, "must not contain a user name or password");

/** `webhook` on a request body: deliver this request's events to one URL, signed with the tenant's secret. */
export const requestWebhookSchema = z.object({ url: webhookUrlSchema }).strict();
export type RequestWebhook = z.infer<typeof requestWebhookSchema>;

/** The body of `POST /v1/webhooks/endpoints`. No `events` (or an empty list) means every event type. */
export const webhookEndpointInputSchema = z
  .object({
    url: webhookUrlSchema,
    events: z.array(webhookEventTypeSchema).max(32).optional(),
    description: z.string().max(512).optional(),
  })
  .strict();
export type WebhookEndpointInput = z.infer<typeof webhookEndpointInputSchema>;

/** `disabled`: the receiver answered 410 Gone; nothing is sent until it is enabled again. */
export const webhookEndpointStatusSchema = z.enum(["enabled", "disabled"]);

/** A tenant's registered endpoint, as stored (the secret is never logged nor put in job data). */
export const webhookEndpointSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().optional(),
  /** `whsec_` + base64 of 32 random bytes (Standard Webhooks' symmetric secret format). */
  secret: z.string(),
  status: webhookEndpointStatusSchema,
  disabledReason: z.string().optional(),
  createdAtMs: z.number().int(),
  updatedAtMs: z.number().int(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

export const WEBHOOK_ENDPOINT_ID_PATTERN = /^ep_[0-9a-z]{24}$/;

const ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function newWebhookEndpointId(): string {
  let id = "";
  for (const byte of randomBytes(24)) id += ID_ALPHABET[byte % 32];
  return `ep_${id}`;
}

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A fresh signing secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}
