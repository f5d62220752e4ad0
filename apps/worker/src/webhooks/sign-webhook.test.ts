import { describe, expect, it } from "vitest";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { newWebhookSecret } from "@switchyard/contracts";
import { signWebhook, webhookHeaders } from "./sign-webhook.js";

describe("signWebhook", () => {
  const body = JSON.stringify({ type: "request.succeeded", timestamp: "2025-01-01T00:00:00.000Z", data: { id: "req_1", text: "héllo ✓" } });

  it("produces headers the official standardwebhooks library verifies", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = webhookHeaders(secret, "msg_1700000000000-0-request", Date.now(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("matches the library's own signature for the same id, timestamp and body", () => {
    const secret = newWebhookSecret();
    const at = new Date(1_700_000_000_000);
    expect(signWebhook(secret, "msg_x", 1_700_000_000, body)).toBe(new Webhook(secret).sign("msg_x", at, body));
  });

  it("is refused for another secret, a changed body, a changed id or a stale timestamp", () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders(secret, "msg_a", Date.now(), body);
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_b" })).toThrow(WebhookVerificationError);
    const stale = webhookHeaders(secret, "msg_a", Date.now() - 10 * 60_000, body);
    expect(() => new Webhook(secret).verify(body, { ...stale })).toThrow(WebhookVerificationError);
  });

  it("sends seconds, the JSON content type and a user agent", () => {
    const headers = webhookHeaders(newWebhookSecret(), "msg_a", 1_700_000_000_999, body);
    expect(headers["webhook-timestamp"]).toBe("1700000000");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["user-agent"]).toMatch(/^Switchyard-Webhooks\//);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });
});
