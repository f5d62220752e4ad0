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
 * Redis has the job; if the enqueue fails the record is removed and the caller gets a 503, so nothing
 * claims a request that was never accepted.
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
  let record: RequestRecord;
  try {
    record = await store.create({ id, tenant, tier: classification.tier, clientFormat, classification, request });
  } catch (error) {
    logger.warn({ err: error, requestId: id }, "could not store request record");
    await releaseMonthlyBudget(dependencies, tenant, id);
    throw ApiError.unavailable("storage is unavailable; the request was not accepted, retry later");
  }
  const data: TierJobData = { requestId: id, request, classification, acceptedAtMs };
  try {
    // No priority here: a tier queue holds one tier. Priorities order tiers inside deployment queues.
    await queues.tier(classification.tier).add("request", data, { jobId: id });
  } catch (error) {
    logger.warn({ err: error, requestId: id }, "could not enqueue request");
    await store.discard(id).catch(() => undefined);
    await releaseMonthlyBudget(dependencies, tenant, id);
    throw ApiError.unavailable("queue is unavailable; the request was not accepted, retry later");
  }
  logger.info(
    { requestId: id, jobId: id, tier: classification.tier, domain: classification.domain, tokens: classification.estimatedInputTokens },
    "request accepted",
  );
  return record;
}
