import express, { Router } from "express";
import { Job } from "bullmq";
import { z } from "zod";
import {
  AddressAllowlist,
  WEBHOOK_DEAD_LETTER_QUEUE,
  WEBHOOK_ENDPOINT_ID_PATTERN,
  webhookDeadLetterJobDataSchema,
  webhookEndpointInputSchema,
  type WebhookDeadLetterJobData,
  type WebhookEndpoint,
} from "@switchyard/contracts";
import type { SwitchyardConfig } from "@switchyard/config";
import { redeliverDeadLetter, type QueueRegistry, type TenantSigningSecrets, type WebhookEndpointStore } from "@switchyard/queue";
import { canSeeTenant, hasScope, principalOf, type Principal } from "../auth/principal.js";
import { requireScope } from "../auth/require-scope.js";
import { ApiError } from "../http/api-error.js";
import { rejectDeepJson } from "../http/json-depth.js";
import { parseOrThrow } from "../http/parse-body.js";
import { requireJsonBody } from "../http/require-json.js";
import { toSnake } from "../http/to-snake.js";
import { assertWebhookUrlAllowed } from "./check-webhook-url.js";

export interface WebhooksRouterDependencies {
  webhookEndpoints: WebhookEndpointStore;
  webhookSecrets: TenantSigningSecrets;
  queues: QueueRegistry;
  /** `config.webhooks`: the allowlist, the per-tenant maximum and the retry schedule a redelivery gets. */
  webhookSettings: SwitchyardConfig["webhooks"];
  bodyLimitBytes: number;
}

const tenantQuerySchema = z
  .object({ tenant: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "tenant must be 1-64 characters of letters, digits, '_', '.', '-'").optional() })
  .loose();

/** Job ids in the delivery queues: `<stream id>-<target>` plus `-r<n>` for redeliveries. */
const DELIVERY_ID_PATTERN = /^\d{1,20}-\d{1,20}-[A-Za-z0-9_-]{1,80}$/;

function storageUnavailable(): never {
  throw ApiError.unavailable("storage is unavailable, retry later");
}

/** The tenant a call acts for: the key's own; an admin key may name another with `?tenant=`. */
function actingTenant(principal: Principal, requested: string | undefined): string {
  if (requested === undefined || requested === principal.tenant) return principal.tenant;
  if (hasScope(principal, "admin")) return requested;
  throw new ApiError(403, "permission_error", `tenant: this API key belongs to tenant "${principal.tenant}"`, "tenant_mismatch", "tenant");
}

/** An endpoint as the API shows it: never with its secret (that has its own route). */
function endpointView(endpoint: WebhookEndpoint): Record<string, unknown> {
  const { secret: _secret, ...shown } = endpoint;
  return { object: "webhook_endpoint", ...(toSnake(shown) as Record<string, unknown>) };
}

function deadLetterView(id: string, deadLetter: WebhookDeadLetterJobData, state: string): Record<string, unknown> {
  const { delivery } = deadLetter;
  return {
    object: "webhook_dead_letter",
    id,
    delivery_id: delivery.deliveryId,
    message_id: delivery.messageId,
    event_type: delivery.eventType,
    request_id: delivery.requestId,
    tenant: delivery.tenant,
    target: delivery.target,
    ...(delivery.url === undefined ? {} : { url: delivery.url }),
    round: delivery.round,
    reason: deadLetter.reason,
    last_error: deadLetter.lastError,
    attempts: deadLetter.attempts,
    dead_at_ms: deadLetter.deadAtMs,
    state,
  };
}

/**
 * `/v1/webhooks/*`: a tenant's registered endpoints (each with its own `whsec_` secret, shown once at creation and
 * at `…/:id/secret`), the tenant's default signing secret for per-request webhooks, and the dead letters with their
 * redelivery. Another tenant's endpoint or dead letter is a 404. Mounted before the global JSON body checks, since
 * most of its POSTs take no body; the one that does parses its own.
 */
export function webhooksRouter(dependencies: WebhooksRouterDependencies): Router {
  const { webhookEndpoints: endpoints, webhookSecrets: secrets, queues, webhookSettings: settings } = dependencies;
  const allowlist = new AddressAllowlist(settings.allowPrivateHosts);
  const router = Router();

  const findEndpoint = async (principal: Principal, id: string): Promise<WebhookEndpoint> => {
    const endpoint = WEBHOOK_ENDPOINT_ID_PATTERN.test(id) ? await endpoints.get(id).catch(storageUnavailable) : undefined;
    if (!endpoint || !canSeeTenant(principal, endpoint.tenant)) throw ApiError.notFound(`no webhook endpoint ${JSON.stringify(id.slice(0, 64))}`);
    return endpoint;
  };

  router.post(
    "/webhooks/endpoints",
    requireJsonBody(),
    express.json({ limit: dependencies.bodyLimitBytes, type: () => true, strict: true, verify: rejectDeepJson() }),
    async (request, response) => {
      const principal = principalOf(response);
      const tenant = actingTenant(principal, parseOrThrow(tenantQuerySchema, request.query).tenant);
      const input = parseOrThrow(webhookEndpointInputSchema, request.body);
      assertWebhookUrlAllowed(input.url, allowlist);
      const result = await endpoints.create(tenant, input, settings.maxEndpointsPerTenant).catch(storageUnavailable);
      if ("refused" in result) {
        throw new ApiError(409, "invalid_request_error", `tenant "${tenant}" already has ${settings.maxEndpointsPerTenant} webhook endpoints; delete one first`, "webhook_endpoint_limit");
      }
      // The one answer that carries the secret without asking for it.
      response.status(201).json({ ...endpointView(result.created), secret: result.created.secret });
    },
  );

  router.get("/webhooks/endpoints", async (request, response) => {
    const tenant = actingTenant(principalOf(response), parseOrThrow(tenantQuerySchema, request.query).tenant);
    const list = await endpoints.list(tenant).catch(storageUnavailable);
    response.json({ object: "list", data: list.map(endpointView) });
  });

  router.get("/webhooks/endpoints/:id", async (request, response) => {
    response.json(endpointView(await findEndpoint(principalOf(response), String(request.params.id))));
  });

  // Reading a secret is a change of trust, not a read: it needs the scope that manages endpoints.
  router.get("/webhooks/endpoints/:id/secret", requireScope("submit"), async (request, response) => {
    const endpoint = await findEndpoint(principalOf(response), String(request.params.id));
    response.json({ object: "webhook_secret", endpoint_id: endpoint.id, secret: endpoint.secret });
  });

  router.delete("/webhooks/endpoints/:id", async (request, response) => {
    const endpoint = await findEndpoint(principalOf(response), String(request.params.id));
    await endpoints.delete(endpoint).catch(storageUnavailable);
    response.json({ object: "webhook_endpoint", id: endpoint.id, deleted: true });
  });

  router.post("/webhooks/endpoints/:id/enable", async (request, response) => {
    const endpoint = await findEndpoint(principalOf(response), String(request.params.id));
    if (!(await endpoints.setStatus(endpoint.id, "enabled").catch(storageUnavailable))) throw ApiError.notFound(`no webhook endpoint ${endpoint.id}`);
    response.json(endpointView(await findEndpoint(principalOf(response), endpoint.id)));
  });

  router.get("/webhooks/secret", requireScope("submit"), async (request, response) => {
    const tenant = actingTenant(principalOf(response), parseOrThrow(tenantQuerySchema, request.query).tenant);
    const secret = await secrets.getOrCreate(tenant).catch(storageUnavailable);
    response.json({ object: "webhook_secret", tenant, secret });
  });

  router.get("/webhooks/dead-letters", async (request, response) => {
    const principal = principalOf(response);
    const tenant = actingTenant(principal, parseOrThrow(tenantQuerySchema, request.query).tenant);
    const queue = queues.byName(WEBHOOK_DEAD_LETTER_QUEUE);
    // The newest 500 parked or not-yet-parked dead letters, filtered to the tenant.
    const jobs = await queue.getJobs(["failed", "waiting", "delayed"], 0, 499).catch(storageUnavailable);
    const data: Record<string, unknown>[] = [];
    for (const job of jobs) {
      const parsed = webhookDeadLetterJobDataSchema.safeParse(job?.data);
      if (job?.id && parsed.success && parsed.data.delivery.tenant === tenant) {
        data.push(deadLetterView(job.id, parsed.data, job.finishedOn ? "parked" : "waiting"));
      }
    }
    response.json({ object: "list", data });
  });

  router.post("/webhooks/deliveries/:id/redeliver", async (request, response) => {
    const id = String(request.params.id);
    const notFound = () => ApiError.notFound(`no dead letter ${JSON.stringify(id.slice(0, 100))}`);
    if (!DELIVERY_ID_PATTERN.test(id)) throw notFound();
    const queue = queues.byName(WEBHOOK_DEAD_LETTER_QUEUE);
    const job = await Job.fromId(queue, id).catch(storageUnavailable);
    const parsed = webhookDeadLetterJobDataSchema.safeParse(job?.data);
    if (!job || !parsed.success || !canSeeTenant(principalOf(response), parsed.data.delivery.tenant)) throw notFound();
    const state = await job.getState().catch(storageUnavailable);
    if (state === "completed") throw new ApiError(409, "invalid_request_error", `dead letter ${id} was already redelivered`, "already_redelivered");
    const { delivery } = parsed.data;
    if (delivery.target !== "request") {
      const endpoint = await endpoints.get(delivery.target).catch(storageUnavailable);
      if (!endpoint) throw new ApiError(409, "invalid_request_error", `endpoint ${delivery.target} was deleted`, "webhook_endpoint_deleted");
      if (endpoint.status !== "enabled") {
        throw new ApiError(409, "invalid_request_error", `endpoint ${endpoint.id} is disabled; enable it first (POST /v1/webhooks/endpoints/${endpoint.id}/enable)`, "webhook_endpoint_disabled");
      }
    }
    const redeliveredAs = await redeliverDeadLetter(queues, parsed.data, settings.retryScheduleMs).catch(storageUnavailable);
    // The dead letter has done its job; if it is being parked this instant, it stays and a second redelivery is a no-op.
    await job.remove().catch(() => undefined);
    response.status(202).json({ object: "webhook_redelivery", id, delivery_id: delivery.deliveryId, message_id: delivery.messageId, redelivered_as: redeliveredAs });
  });

  return router;
}
