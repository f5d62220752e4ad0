import { errors, json, object, ref, type Json } from "./openapi-common.js";

/** `POST /v1/requests/{id}/cancel` (cancel-router.ts). */
export function cancelPaths(): Json {
  return {
    "/v1/requests/{id}/cancel": {
      post: {
        operationId: "cancelRequest",
        tags: ["requests"],
        summary: "Cancel a request",
        description:
          "A waiting job is removed, a running provider call is aborted, and the record becomes `cancelled` (exactly once). " +
          "A request that already ended is a 409 naming its status; another tenant's is a 404. No body is needed.",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^req_[0-9a-z]{26}$" } }],
        responses: { "200": json(ref("RequestRecord"), "The record after the cancellation."), ...errors(401, 403, 404, 409, 503) },
      },
    },
  };
}

const apiKeySchema = object(
  {
    object: { const: "api_key" },
    id: { type: "string", pattern: "^[0-9a-f]{16}$" },
    tenant: { type: "string" },
    scopes: { type: "array", items: { type: "string", enum: ["submit", "read", "admin"] } },
    name: { type: "string" },
    created_at_ms: { type: "integer" },
    revoked_at_ms: { type: "integer" },
  },
  ["object", "id", "tenant", "scopes"],
);

const budgetSchema = object({
  object: { const: "tenant_budget" },
  tenant: { type: "string" },
  month: { type: "string", description: "The calendar month (UTC) the figures are for." },
  limit_usd: { type: ["number", "null"] },
  limit_source: { type: "string", description: "Where the limit comes from: the config or an admin override." },
  spent_usd: { type: "number" },
  reserved_usd: { type: "number", description: "Held for requests in flight; settled when they finish." },
  remaining_usd: { type: ["number", "null"] },
});

const tenantParameter = { name: "tenant", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,64}$" } };
const keyIdParameter = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{16}$" } };

/** `/v1/admin/*` (admin/admin-router.ts): tenant API keys and monthly budgets; admin keys only. */
export function adminPaths(): Json {
  return {
    "/v1/admin/keys": {
      post: {
        operationId: "createApiKey",
        tags: ["admin"],
        summary: "Create a tenant API key (the secret is shown once)",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                ...object(
                  {
                    tenant: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,64}$" },
                    scopes: { type: "array", minItems: 1, items: { type: "string", enum: ["submit", "read", "admin"] } },
                    name: { type: "string", maxLength: 128 },
                  },
                  ["tenant", "scopes"],
                ),
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          "201": json({ allOf: [apiKeySchema, object({ key: { type: "string", description: "The secret; stored only hashed." } }, ["key"])] }, "The key, with its secret."),
          ...errors(400, 401, 403, 415, 503),
        },
      },
      get: {
        operationId: "listApiKeys",
        tags: ["admin"],
        summary: "List API keys (never their secrets)",
        parameters: [{ name: "tenant", in: "query", schema: { type: "string" } }],
        responses: { "200": json(object({ object: { const: "list" }, data: { type: "array", items: apiKeySchema } }), "The keys."), ...errors(400, 401, 403, 503) },
      },
    },
    "/v1/admin/keys/{id}": {
      get: {
        operationId: "getApiKey",
        tags: ["admin"],
        summary: "One API key",
        parameters: [keyIdParameter],
        responses: { "200": json(apiKeySchema, "The key."), ...errors(401, 403, 404, 503) },
      },
      delete: {
        operationId: "revokeApiKey",
        tags: ["admin"],
        summary: "Revoke an API key",
        parameters: [keyIdParameter],
        responses: { "200": json(apiKeySchema, "The revoked key."), ...errors(401, 403, 404, 503) },
      },
    },
    "/v1/admin/tenants/{tenant}/budget": {
      get: {
        operationId: "getTenantBudget",
        tags: ["admin"],
        summary: "A tenant's monthly budget: limit, spent, reserved",
        parameters: [tenantParameter],
        responses: { "200": json(budgetSchema, "The budget."), ...errors(400, 401, 403, 503) },
      },
      put: {
        operationId: "setTenantBudget",
        tags: ["admin"],
        summary: "Override (or with null, un-override) a tenant's monthly budget",
        parameters: [tenantParameter],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { ...object({ monthly_budget_usd: { type: ["number", "null"], minimum: 0 } }, ["monthly_budget_usd"]), additionalProperties: false } } },
        },
        responses: { "200": json(budgetSchema, "The budget after the change."), ...errors(400, 401, 403, 415, 503) },
      },
    },
  };
}

const endpointIdParameter = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^ep_[0-9a-z]{24}$" } };
const actingTenantParameter = { name: "tenant", in: "query", description: "Admin keys only: act for this tenant.", schema: { type: "string" } };
const secretSchema = (owner: Json) =>
  object({ object: { const: "webhook_secret" }, ...owner, secret: { type: "string", pattern: "^whsec_", description: "Standard Webhooks symmetric secret." } }, ["object", "secret"]);

/**
 * `/v1/webhooks/*` (webhooks/webhooks-router.ts): a tenant's registered endpoints with their `whsec_` secrets, the
 * tenant's default secret for per-request webhooks (`webhook: {url}` in a request body), and dead letters.
 */
export function webhookPaths(): Json {
  const endpointList = object({ object: { const: "list" }, data: { type: "array", items: ref("WebhookEndpoint") } }, ["object", "data"]);
  return {
    "/v1/webhooks/endpoints": {
      post: {
        operationId: "createWebhookEndpoint",
        tags: ["webhooks"],
        summary: "Register an endpoint (its secret is in this answer)",
        description:
          "Deliveries follow Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The URL must not be " +
          "a loopback, private, link-local or metadata address unless the config allows it; the check is repeated on the " +
          "resolved address at every delivery.",
        parameters: [actingTenantParameter],
        requestBody: { required: true, content: { "application/json": { schema: ref("WebhookEndpointInput") } } },
        responses: {
          "201": json({ allOf: [ref("WebhookEndpoint"), object({ secret: { type: "string", pattern: "^whsec_" } }, ["secret"])] }, "The endpoint, with its secret."),
          ...errors(400, 401, 403, 409, 413, 415, 503),
        },
      },
      get: {
        operationId: "listWebhookEndpoints",
        tags: ["webhooks"],
        summary: "The tenant's endpoints",
        parameters: [actingTenantParameter],
        responses: { "200": json(endpointList, "The endpoints."), ...errors(400, 401, 403, 503) },
      },
    },
    "/v1/webhooks/endpoints/{id}": {
      get: {
        operationId: "getWebhookEndpoint",
        tags: ["webhooks"],
        summary: "One endpoint",
        parameters: [endpointIdParameter],
        responses: { "200": json(ref("WebhookEndpoint"), "The endpoint."), ...errors(401, 403, 404, 503) },
      },
      delete: {
        operationId: "deleteWebhookEndpoint",
        tags: ["webhooks"],
        summary: "Delete an endpoint",
        parameters: [endpointIdParameter],
        responses: {
          "200": json(object({ object: { const: "webhook_endpoint" }, id: { type: "string" }, deleted: { const: true } }), "Deleted."),
          ...errors(401, 403, 404, 503),
        },
      },
    },
    "/v1/webhooks/endpoints/{id}/secret": {
      get: {
        operationId: "getWebhookEndpointSecret",
        tags: ["webhooks"],
        summary: "An endpoint's signing secret (needs the submit scope)",
        parameters: [endpointIdParameter],
        responses: { "200": json(secretSchema({ endpoint_id: { type: "string" } }), "The secret."), ...errors(401, 403, 404, 503) },
      },
    },
    "/v1/webhooks/endpoints/{id}/enable": {
      post: {
        operationId: "enableWebhookEndpoint",
        tags: ["webhooks"],
        summary: "Enable an endpoint again (after a 410 Gone disabled it)",
        parameters: [endpointIdParameter],
        responses: { "200": json(ref("WebhookEndpoint"), "The endpoint."), ...errors(401, 403, 404, 503) },
      },
    },
    "/v1/webhooks/secret": {
      get: {
        operationId: "getTenantWebhookSecret",
        tags: ["webhooks"],
        summary: "The tenant's secret for per-request webhooks (created on first read; needs the submit scope)",
        parameters: [actingTenantParameter],
        responses: { "200": json(secretSchema({ tenant: { type: "string" } }), "The secret."), ...errors(400, 401, 403, 503) },
      },
    },
    "/v1/webhooks/dead-letters": {
      get: {
        operationId: "listWebhookDeadLetters",
        tags: ["webhooks"],
        summary: "Deliveries that exhausted their retries (the newest 500)",
        parameters: [actingTenantParameter],
        responses: {
          "200": json(
            object({
              object: { const: "list" },
              data: {
                type: "array",
                items: object({
                  object: { const: "webhook_dead_letter" },
                  id: { type: "string", description: "Pass to …/deliveries/{id}/redeliver." },
                  delivery_id: { type: "string" },
                  message_id: { type: "string", description: "The stable `webhook-id` of the message." },
                  event_type: { type: "string" },
                  request_id: { type: "string" },
                  tenant: { type: "string" },
                  target: { type: "string", description: "An endpoint id, or `request` for a per-request webhook." },
                  url: { type: "string" },
                  round: { type: "integer" },
                  reason: { type: "string" },
                  last_error: { type: "string" },
                  attempts: { type: "integer" },
                  dead_at_ms: { type: "integer" },
                  state: { type: "string", enum: ["parked", "waiting"] },
                }),
              },
            }),
            "The dead letters.",
          ),
          ...errors(400, 401, 403, 503),
        },
      },
    },
    "/v1/webhooks/deliveries/{id}/redeliver": {
      post: {
        operationId: "redeliverWebhook",
        tags: ["webhooks"],
        summary: "Send a dead letter again, with a fresh retry schedule",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "202": json(
            object({ object: { const: "webhook_redelivery" }, id: { type: "string" }, delivery_id: { type: "string" }, message_id: { type: "string" }, redelivered_as: { type: "string" } }),
            "Queued for delivery.",
          ),
          ...errors(401, 403, 404, 409, 503),
        },
      },
    },
  };
}
