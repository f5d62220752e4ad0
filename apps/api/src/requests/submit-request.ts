import {
  newRequestId,
  type AddressAllowlist,
  type ChatRequest,
  type ClientFormat,
  type RequestRecord,
    type TierJobData,
} from "@switchyard/contracts";
import type { QueueRegistry, RequestStore } from "@switchyard/queue";
import { classifyRequest } from "@switchyard/routing";
import type { Logger } from "@switchyard/logging";
import type { Principal } from "../auth/principal.js";
import { submissionTenant } from "../auth/submission-tenant.js";
import { ApiError } from "../http/api-error.js";
import { assertWebhookUrlAllowed } from "../webhooks/check-webhook-url.js";
import { releaseMonthlyBudget, reserveMonthlyBudget, type MonthlyBudgetDependencies } from "./monthly-budget.js";
import { chargeTenantBudget, type TenantBudgetDependencies } from "./tenant-budget.js";

export interface SubmitDependencies extends TenantBudgetDependencies, MonthlyBudgetDependencies {
  store: RequestStore;
  queues: QueueRegistry;
  logger: Logger;
  now: () => number;
  /** `webhooks.allowPrivateHosts`: a request's own `webhook.url` gets the same 400 as a registered endpoint's. */
  webhookAllowlist: AddressAllowlist;
}

export const DEFAULT_TENANT = "default";

/**
 * Accepts a request: classify it, write its record, enqueue it on its tier's queue. Resolves only after
 * Redis has both; if either fails the other is undone and the caller gets a 503, so nothing claims a request
 * that was never accepted.
 */
export async function submitRequest(
  dependencies: SubmitDependencies,
  request: ChatRequest,
  clientFormat: ClientFormat = "openai",
  /** The caller (`principalOf(response)`): the request belongs to its key's tenant. */
  principal: Principal,
): Promise<RequestRecord> {
  const { store, queues, logger, now } = dependencies;
  const acceptedAtMs = now();
  // The clear answer for an IP literal webhooks may not reach; names are judged when a delivery connects.
  if (request.webhook) assertWebhookUrlAllowed(request.webhook.url, dependencies.webhookAllowlist, "webhook.url");
  const classification = classifyRequest(request);
  const id = newRequestId(acceptedAtMs);
  const tenant = submissionTenant(principal, request.tenant);
  // Stored and enqueued with its tenant: the worker scopes the response cache by `request.tenant`.
  request = { ...request, tenant };
  await chargeTenantBudget(dependencies, tenant, classification.estimatedInputTokens + (request.max_tokens ?? 0));
  await reserveMonthlyBudget(dependencies, tenant, id, acceptedAtMs, request, classification);
  const data: TierJobData = { requestId: id, request, classification, acceptedAtMs };
  const queue = queues.tier(classification.tier);
  // The record and the job go out together on the producer connection, record first: Redis applies them in that
  // order, so the dispatcher never finds a job without its record, and the caller waits one round trip, not two.
  // No priority on the job: a tier queue holds one tier. Priorities order tiers inside deployment queues.
  const [created, enqueued] = await Promise.allSettled([
    store.create({ id, tenant, tier: classification.tier, clientFormat, classification, request }),
    queue.add("request", data, { jobId: id }),
  ]);
  if (created.status === "rejected" || enqueued.status === "rejected") {
    const storageFailed = created.status === "rejected";
    const reason = created.status === "rejected" ? created.reason : (enqueued as PromiseRejectedResult).reason;
    logger.warn({ err: reason, requestId: id }, storageFailed ? "could not store request record" : "could not enqueue request");
    // Undo whichever half landed, so nothing claims or runs a request that was never accepted.
    if (created.status === "fulfilled") await store.discard(id).catch(() => undefined);
    if (enqueued.status === "fulfilled") await queue.remove(id).catch(() => undefined);
    await releaseMonthlyBudget(dependencies, tenant, id);
    throw ApiError.unavailable(`${storageFailed ? "storage" : "queue"} is unavailable; the request was not accepted, retry later`);
  }
  const record = created.value;
  logger.info(
    { requestId: id, jobId: id, tier: classification.tier, domain: classification.domain, tokens: classification.estimatedInputTokens },
    "request accepted",
  );
  return record;
}
