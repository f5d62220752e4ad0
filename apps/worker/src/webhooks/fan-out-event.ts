import {
  REQUEST_WEBHOOK_TARGET,
  WEBHOOK_DELIVERY_QUEUE,
  webhookDeliveryJobId,
  webhookEventTypeFor,
  webhookMessageId,
  webhookRequestData,
  type WebhookDeliveryJobData,
  type WebhookPayload,
} from "@switchyard/contracts";
import { webhookDeliveryJobOptions, type OutboxEntry } from "@switchyard/queue";
import type { WebhookDependencies } from "./webhook-dependencies.js";

/**
 * Turns one outbox entry into delivery jobs: one for the request's own `webhook.url`, one per enabled endpoint of
 * its tenant subscribed to the event type. Job ids are `<entry id>-<target>`, so reading the same entry again
 * (a crash before its XACK, a reclaim) adds nothing. Returns the number of targets.
 *
 * `data` is the record as read now: for a terminal event it is final; a `request.queued_for_retry` may find the
 * request already further along (`type` is what happened, `data.status` where it is).
 */
export async function fanOutEvent(dependencies: WebhookDependencies, entry: OutboxEntry): Promise<number> {
  const type = webhookEventTypeFor(entry.status);
  if (!type || !entry.requestId) return 0;
  const { store, endpoints, queues, config } = dependencies;
  // Most requests have no webhook at all: find the targets first (the entry carries the request's own URL), and read
  // the whole record only for those that do.
  const subscribers = await endpoints.subscribers(entry.tenant, type);
  const targets: { target: string; url?: string }[] = [
    ...(entry.webhookUrl ? [{ target: REQUEST_WEBHOOK_TARGET, url: entry.webhookUrl }] : []),
    ...subscribers.map((endpoint) => ({ target: endpoint.id })),
  ];
  if (targets.length === 0) return 0;
  const record = await store.get(entry.requestId);
  const payload: WebhookPayload = {
    type,
    timestamp: new Date(entry.atMs).toISOString(),
    // A record past its retention is gone; the event still says which request and what happened.
    data: record ? webhookRequestData(record) : { object: "request", id: entry.requestId, status: entry.status, tenant: entry.tenant },
  };
  const serialized = JSON.stringify(payload);
  await queues.byName(WEBHOOK_DELIVERY_QUEUE).addBulk(
    targets.map(({ target, url }) => {
      const deliveryId = `${entry.entryId}-${target}`;
      const data: WebhookDeliveryJobData = {
        deliveryId,
        messageId: webhookMessageId(deliveryId),
        tenant: entry.tenant,
        target,
        ...(url === undefined ? {} : { url }),
        eventType: type,
        requestId: entry.requestId,
        body: serialized,
        round: 0,
      };
      return { name: type, data, opts: webhookDeliveryJobOptions(config.webhooks.retryScheduleMs, webhookDeliveryJobId(deliveryId, 0)) };
    }),
  );
  return targets.length;
}
