import { createHmac } from "node:crypto";
import { WEBHOOK_SECRET_PREFIX } from "@switchyard/contracts";

/** The three Standard Webhooks headers (plus the two every delivery sends). */
export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
  "content-type": "application/json";
  "user-agent": string;
}

export const WEBHOOK_USER_AGENT = "Switchyard-Webhooks/1.0";

/**
 * `v1,` + base64 HMAC-SHA256, keyed with the secret's base64-decoded bytes, over `<id>.<timestamp>.<body>`: the
 * spec's symmetric scheme, which the `standardwebhooks` libraries verify.
 */
export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, "base64");
  const mac = createHmac("sha256", key).update(`${messageId}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The headers of one attempt: the id stays, the timestamp is the attempt's own (receivers reject stale ones). */
export function webhookHeaders(secret: string, messageId: string, nowMs: number, body: string): WebhookHeaders {
  const timestampSeconds = Math.floor(nowMs / 1000);
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signWebhook(secret, messageId, timestampSeconds, body),
    "content-type": "application/json",
    "user-agent": WEBHOOK_USER_AGENT,
  };
}
