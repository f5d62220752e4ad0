import { describe, expect, it } from "vitest";
import { REQUEST_STATUSES } from "./request-record.js";
import { WEBHOOK_EVENT_TYPES, webhookEventTypeFor } from "./webhook-event.js";
import { webhookDeliveryJobId, webhookMessageId } from "./webhook-delivery.js";

describe("webhook events", () => {
  it("announce each terminal status and each entry into the retry queue, and nothing else", () => {
    const announced = Object.fromEntries(REQUEST_STATUSES.map((status) => [status, webhookEventTypeFor(status)]));
    expect(announced).toEqual({
      queued: undefined,
      dispatched: undefined,
      running: undefined,
      queued_for_retry: "request.queued_for_retry",
      succeeded: "request.succeeded",
      failed: "request.failed",
      cancelled: "request.cancelled",
    });
    // The spec's recommended form: full-stop delimited identifiers of [a-zA-Z0-9_].
    for (const type of WEBHOOK_EVENT_TYPES) expect(type).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });

  it("derive stable message ids (no full stop, which would confuse the signed `id.timestamp.body`) and per-round job ids", () => {
    expect(webhookMessageId("1700000000000-0-ep_abc")).toBe("msg_1700000000000-0-ep_abc");
    expect(webhookMessageId("1-0-x.y")).not.toContain(".");
    expect(webhookDeliveryJobId("1-0-request", 0)).toBe("1-0-request");
    expect(webhookDeliveryJobId("1-0-request", 2)).toBe("1-0-request-r2");
  });
});
