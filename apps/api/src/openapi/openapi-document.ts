import { CLIENT_FORMAT_VALUES, componentSchemas, REQUEST_STATUS_VALUES } from "./openapi-schemas.js";
import { ERROR_RESPONSES, errors, json, ref, type Json } from "./openapi-common.js";
import { adminPaths, cancelPaths, webhookPaths } from "./openapi-extra-paths.js";

export const OPENAPI_PATH = "/openapi.json";

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^req_[0-9a-z]{26}$" } };
const formatParameter = {
  name: "format",
  in: "query",
  required: false,
  description: "The client wire format: of the body (POST) or of `response` (GET). Default `openai` / the submitted one.",
  schema: { type: "string", enum: [...CLIENT_FORMAT_VALUES] },
};

const switchyardHeaders = {
  "x-switchyard-request-id": { schema: { type: "string" }, description: "The request's id (readable with GET /v1/requests/{id})." },
  "x-switchyard-deployment": { schema: { type: "string" }, description: "The deployment that served it." },
  "x-switchyard-tier": { schema: { type: "string" } },
  "x-switchyard-cost-usd": { schema: { type: "string" }, description: "The cost in USD, from the deployment's prices." },
};

function corePaths(): Json {
  return {
    "/healthz": {
      get: {
        operationId: "health",
        tags: ["system"],
        summary: "Liveness and Redis reachability",
        security: [],
        responses: { "200": json(ref("Health"), "Serving; Redis is up."), "503": json(ref("Health"), "Serving, but Redis is down.") },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        operationId: "openapi",
        tags: ["system"],
        summary: "This document",
        security: [],
        responses: { "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } } },
      },
    },
    "/v1/requests": {
      post: {
        operationId: "submitRequest",
        tags: ["requests"],
        summary: "Submit a request (asynchronous)",
        description:
          "Classifies the request, stores its record and queues it; answers 202 once Redis has the job. Poll `status_url` " +
          "(with `?wait=`) or receive a webhook. With an `Idempotency-Key`, the same key and body within 24 h return the " +
          "original answer (same id, header `idempotent-replayed: true`); the same key with another body is a 422 " +
          "`idempotency_key_reused`. Keys are per tenant.",
        parameters: [
          formatParameter,
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description: "1-255 printable ASCII characters, unique per logical request (a UUID, an order id).",
            schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x20-\\x7e]+$" },
          },
        ],
        requestBody: {
          required: true,
          description: "`ChatRequest` for `format=openai`; a Messages or generateContent body plus a `switchyard` object otherwise.",
          content: { "application/json": { schema: ref("ChatRequest") } },
        },
        responses: {
          "202": json(ref("AcceptedRequest"), "Accepted and queued.", {
            Location: { schema: { type: "string" }, description: "The status URL." },
            "idempotent-replayed": { schema: { type: "string", const: "true" }, description: "Present on a replayed answer." },
          }),
          ...errors(400, 401, 402, 403, 409, 413, 415, 422, 429, 503),
        },
      },
      get: {
        operationId: "listRequests",
        tags: ["requests"],
        summary: "List requests, newest first",
        description:
          "The caller's tenant's requests (an admin key: every tenant's, or one with `tenant`), newest first, with cursor " +
          "pagination. Time filters use the creation index; the status filter reads each record, so a rare status costs a " +
          "longer walk: a page looks at no more than 5,000 index entries and may come back short with `has_more`.",
        parameters: [
          {
            name: "status",
            in: "query",
            style: "form",
            explode: true,
            description: "One or several statuses (repeat the parameter or separate with commas).",
            schema: { type: "array", items: { type: "string", enum: [...REQUEST_STATUS_VALUES] } },
          },
          { name: "created_after", in: "query", description: "At or after: ISO 8601 or epoch ms.", schema: { type: "string" } },
          { name: "created_before", in: "query", description: "Strictly before: ISO 8601 or epoch ms.", schema: { type: "string" } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          { name: "after", in: "query", description: "`next_cursor` of the previous page.", schema: { type: "string" } },
          { name: "tenant", in: "query", description: "Admin keys only (or the caller's own tenant).", schema: { type: "string" } },
        ],
        responses: { "200": json(ref("RequestList"), "A page of request summaries."), ...errors(400, 401, 403, 503) },
      },
    },
    "/v1/requests/{id}": {
      get: {
        operationId: "getRequest",
        tags: ["requests"],
        summary: "Read a request (optionally long-polling)",
        parameters: [
          idParameter,
          formatParameter,
          {
            name: "wait",
            in: "query",
            description: "Seconds to wait for a terminal status before answering (at most `api.longPollMaxSeconds`).",
            schema: { type: "number", minimum: 0 },
          },
        ],
        responses: { "200": json(ref("RequestRecord"), "The record."), ...errors(400, 401, 403, 404, 503) },
      },
    },
    "/v1/chat/completions": {
      post: {
        operationId: "createChatCompletion",
        tags: ["drop-in"],
        summary: "OpenAI-compatible chat completions (synchronous)",
        description: "Goes through the same classification, queues, fallbacks and limits, then answers in OpenAI's format.",
        externalDocs: { url: "https://platform.openai.com/docs/api-reference/chat/create" },
        requestBody: { required: true, content: { "application/json": { schema: ref("ChatCompletionRequest") } } },
        responses: {
          "200": {
            description: "The completion (or, with `stream: true` where supported, server-sent events).",
            headers: switchyardHeaders,
            content: { "application/json": { schema: ref("ChatCompletion") }, "text/event-stream": { schema: { type: "string" } } },
          },
          ...errors(400, 401, 402, 403, 413, 415, 429, 503),
          "504": json(ref("Error"), "No outcome within the synchronous wait; the request goes on (read it by id)."),
        },
      },
    },
    "/v1/messages": {
      post: {
        operationId: "createMessage",
        tags: ["drop-in"],
        summary: "Anthropic-compatible Messages (synchronous)",
        externalDocs: { url: "https://docs.anthropic.com/en/api/messages" },
        requestBody: { required: true, content: { "application/json": { schema: ref("AnthropicMessagesRequest") } } },
        responses: {
          "200": {
            description: "The message (or server-sent events with `stream: true` where supported).",
            headers: switchyardHeaders,
            content: { "application/json": { schema: ref("AnthropicMessage") }, "text/event-stream": { schema: { type: "string" } } },
          },
          default: json(ref("AnthropicError"), "Any error, in Anthropic's shape."),
        },
      },
    },
    "/v1/models": {
      get: {
        operationId: "listModels",
        tags: ["drop-in"],
        summary: "OpenAI-compatible model list: `auto` and every deployment",
        responses: { "200": json(ref("ModelList"), "The models."), ...errors(401, 403) },
      },
    },
    "/v1/deployments": {
      get: {
        operationId: "listDeployments",
        tags: ["deployments"],
        summary: "Every deployment with its circuit and rate-limit state",
        responses: { "200": json(ref("DeploymentList"), "The deployments."), ...errors(401, 403, 503) },
      },
    },
    "/v1/deployments/{id}": {
      get: {
        operationId: "getDeployment",
        tags: ["deployments"],
        summary: "One deployment",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": json(ref("Deployment"), "The deployment."), ...errors(401, 403, 404, 503) },
      },
    },
    "/v1/deployments/{id}/circuit/reset": {
      post: {
        operationId: "resetCircuit",
        tags: ["deployments"],
        summary: "Close a deployment's circuit fleet-wide (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": json(ref("Deployment"), "The deployment after the reset."), ...errors(401, 403, 404, 503) },
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the producer API. Schemas come from the zod schemas the API validates with (see
 * openapi-schemas.ts), so a field added there shows up here; paths are listed by hand, and a test compares them
 * with the routes the Express app really registers.
 */
export function buildOpenApiDocument(): Json {
  const schemas = componentSchemas();
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version: "0.1.0",
      description:
        "A durable orchestrator for AI requests. Submit asynchronously (`POST /v1/requests`, then poll or receive a " +
        "webhook) or synchronously through the OpenAI- and Anthropic-compatible endpoints. Every error has one JSON " +
        "shape: `{error: {message, type, code, param}}` (Anthropic's on `/v1/messages`).",
    },
    servers: [{ url: "/", description: "This server" }],
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: [
      { name: "requests", description: "Asynchronous requests" },
      { name: "drop-in", description: "OpenAI- and Anthropic-compatible synchronous endpoints" },
      { name: "deployments", description: "The fleet's deployments" },
      { name: "webhooks", description: "Webhook endpoints and deliveries" },
      { name: "admin", description: "Tenants, API keys and budgets (admin keys only)" },
      { name: "system", description: "Health and this document" },
    ],
    paths: { ...corePaths(), ...cancelPaths(), ...webhookPaths(), ...adminPaths() },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <API key>` (OpenAI clients)." },
        apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "`x-api-key: <API key>` (Anthropic clients)." },
      },
      schemas,
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description }) => [name, json(ref("Error"), description)]),
      ),
    },
  };
}
