import { UnrecoverableError, type Processor } from "bullmq";
import { REQUEST_WEBHOOK_TARGET, webhookDeliveryJobDataSchema, type WebhookDeliveryJobData } from "@switchyard/contracts";
import { fileDeadLetter } from "./dead-letter.js";
import { sendWebhook, type SendOutcome } from "./send-webhook.js";
import { webhookHeaders } from "./sign-webhook.js";
import type { WebhookDependencies } from "./webhook-dependencies.js";

/** A failed attempt that will be retried; carries the receiver's `retry-after` to the backoff strategy. */
export class WebhookAttemptError extends Error {
  override readonly name = "WebhookAttemptError";
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type Target = { url: string; secret: string; endpointId?: string } | { skipped: string };

/** Where and with which secret: an endpoint's URL and secret are read at each attempt (they may have changed). */
async function resolveTarget(dependencies: WebhookDependencies, delivery: WebhookDeliveryJobData): Promise<Target> {
  if (delivery.target === REQUEST_WEBHOOK_TARGET) {
    if (!delivery.url) return { skipped: "the request's webhook has no URL" };
    return { url: delivery.url, secret: await dependencies.secrets.getOrCreate(delivery.tenant) };
  }
  const endpoint = await dependencies.endpoints.get(delivery.target);
  if (!endpoint || endpoint.tenant !== delivery.tenant) return { skipped: `endpoint ${delivery.target} was deleted` };
  if (endpoint.status !== "enabled") return { skipped: `endpoint ${delivery.target} is disabled` };
  return { url: endpoint.url, secret: endpoint.secret, endpointId: endpoint.id };
}

function describe(attempt: number, outcome: SendOutcome): string {
  switch (outcome.kind) {
    case "refused":
      return `attempt ${attempt}: ${outcome.message}`;
    case "failed":
      return `attempt ${attempt}: ${outcome.message} after ${outcome.durationMs} ms${outcome.excerpt ? `: ${outcome.excerpt}` : ""}`;
    default:
      return `attempt ${attempt}: ${outcome.httpStatus} after ${outcome.durationMs} ms${outcome.excerpt ? `: ${outcome.excerpt}` : ""}`;
  }
}

/**
 * One attempt of one delivery. 2xx completes the job. 410 disables the endpoint and ends the delivery; an address
 * the SSRF policy refuses ends it too; both, and the last failed attempt, file a dead letter and fail the job with
 * UnrecoverableError (BullMQ's "do not retry"). Any other failure throws, and BullMQ retries after the delay the
 * worker's backoff strategy gives (retry-schedule.ts).
 */
export function deliverWebhook(dependencies: WebhookDependencies): Processor<WebhookDeliveryJobData> {
  const { config, endpoints, logger, now } = dependencies;
  return async (job) => {
    const parsed = webhookDeliveryJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid delivery: ${parsed.error.issues[0]?.message ?? "unreadable"}`);
    const delivery = parsed.data;
    const target = await resolveTarget(dependencies, delivery);
    if ("skipped" in target) {
      await job.log(`not sent: ${target.skipped}`);
      return { skipped: target.skipped };
    }
    const attempt = job.attemptsMade + 1;
    const outcome = await sendWebhook(
      dependencies.dispatcher,
      { url: target.url, headers: webhookHeaders(target.secret, delivery.messageId, now(), delivery.body), body: delivery.body, timeoutMs: config.webhooks.attemptTimeoutMs },
      now,
    );
    await job.log(describe(attempt, outcome));
    const context = { jobId: job.id, deliveryId: delivery.deliveryId, target: delivery.target, attempt };
    switch (outcome.kind) {
      case "delivered":
        return { httpStatus: outcome.httpStatus, attempt };
      case "gone": {
        const message = "the receiver answered 410 Gone";
        if (target.endpointId) {
          await endpoints.setStatus(target.endpointId, "disabled", `${message} (delivery ${job.id}, ${new Date(now()).toISOString()})`);
          logger.warn({ ...context, endpointId: target.endpointId }, "webhook endpoint disabled: the receiver answered 410 Gone");
        }
        await fileDeadLetter(dependencies, job, delivery, "gone", message, attempt);
        throw new UnrecoverableError(message);
      }
      case "refused":
        logger.warn({ ...context, reason: outcome.message }, "webhook refused by the address policy");
        await fileDeadLetter(dependencies, job, delivery, "refused", outcome.message, attempt);
        throw new UnrecoverableError(outcome.message);
      case "failed":
        if (attempt >= (job.opts.attempts ?? 1)) {
          logger.warn({ ...context, reason: outcome.message }, "webhook delivery exhausted its retries");
          await fileDeadLetter(dependencies, job, delivery, "exhausted", outcome.message, attempt);
          throw new UnrecoverableError(outcome.message);
        }
        throw new WebhookAttemptError(outcome.message, outcome.retryAfterMs);
    }
  };
}
