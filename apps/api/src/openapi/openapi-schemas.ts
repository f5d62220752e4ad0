import { z } from "zod";
import {
  acceptedResponseSchema,
  apiErrorBodySchema,
  chatRequestSchema,
  CLIENT_FORMATS,
  REQUEST_STATUSES,
  requestRecordSchema,
  WEBHOOK_EVENT_TYPES,
  webhookEndpointInputSchema,
  webhookEndpointSchema,
} from "@switchyard/contracts";

type JsonSchema = Record<string, unknown>;

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The JSON Schema of a camelCase store shape as the API shows it: property names snake_cased at every depth,
 * exactly what `toSnake` does to the values (http/to-snake.ts).
 */
function snakeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(snakeSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value !== null && typeof value === "object") {
      result[key] = Object.fromEntries(Object.entries(value).map(([name, inner]) => [snakeCase(name), snakeSchema(inner)]));
    } else if (key === "required" && Array.isArray(value)) {
      result[key] = value.map((name) => (typeof name === "string" ? snakeCase(name) : name));
    } else {
      result[key] = snakeSchema(value);
    }
  }
  return result;
}

/** zod → JSON Schema draft 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line a component does not need. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const objectTag = (name: string) => z.literal(name).describe(`Always \`${name}\`.`);

/** Shapes the API answers with that have no zod schema elsewhere (they are assembled by the routers). */
const requestListSchema = z.object({
  object: z.literal("list"),
  data: z.array(z.unknown()).describe("Request summaries, newest first (see RequestSummary)."),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe("Pass as `after` for the next page; null on the last page."),
});

const healthSchema = z.object({ status: z.enum(["ok", "degraded"]), redis: z.enum(["up", "down"]) });

const modelListSchema = z.object({
  object: z.literal("list"),
  data: z.array(z.object({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string() })),
});

const deploymentSchema = z
  .object({
    object: objectTag("deployment"),
    id: z.string(),
    provider: z.string(),
    format: z.string(),
    model: z.string(),
    private: z.boolean(),
    enabled: z.boolean(),
    context_window_tokens: z.number().int(),
    typical_latency_ms: z.number().int(),
    price_per_1k_input_usd: z.number(),
    price_per_1k_output_usd: z.number(),
    circuit: z.object({
      state: z.enum(["closed", "open", "half_open"]),
      failures: z.number().int(),
      calls: z.number().int(),
      opened_at_ms: z.number().int().nullable(),
      retry_at_ms: z.number().int().nullable(),
      opened_total: z.number().int(),
    }),
    rate_limit: z.record(z.string(), z.unknown()).nullable().describe("What the provider's rate-limit headers last said, or null."),
  })
  .describe("A deployment as routing sees it now (never its base URL or key).");

const anthropicErrorSchema = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string(), message: z.string() }),
});

/** OpenAI's chat completion object, as far as Switchyard fills it. */
const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal("assistant"), content: z.string().nullable(), tool_calls: z.array(z.unknown()).optional() }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }).loose(),
  })
  .loose();

/** Anthropic's Messages request: validated by Switchyard's converter; the common fields are listed here. */
const anthropicMessagesRequestSchema = z
  .object({
    model: z.string(),
    max_tokens: z.number().int().positive(),
    messages: z.array(z.object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]) })),
    system: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]).optional(),
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    stop_sequences: z.array(z.string()).optional(),
    tools: z.array(z.record(z.string(), z.unknown())).optional(),
    tool_choice: z.record(z.string(), z.unknown()).optional(),
    stream: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    switchyard: chatRequestSchema.pick({ metadata: true, constraints: true, tenant: true }).optional().describe("Switchyard's own options."),
  })
  .loose();

const anthropicMessageSchema = z
  .object({
    id: z.string(),
    type: z.literal("message"),
    role: z.literal("assistant"),
    model: z.string(),
    content: z.array(z.record(z.string(), z.unknown())),
    stop_reason: z.string().nullable(),
    usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }).loose(),
  })
  .loose();

/** Every component schema of the document, by name. */
export function componentSchemas(): Record<string, JsonSchema> {
  const record = snakeSchema(jsonSchemaOf(requestRecordSchema)) as JsonSchema;
  const recordProperties = (record.properties ?? {}) as Record<string, JsonSchema>;
  const summaryKeys = ["id", "status", "tenant", "tier", "client_format", "created_at_ms", "updated_at_ms", "finished_at_ms", "deployment_id", "usage", "cost_usd", "error", "served_from_cache"];
  return {
    ChatRequest: {
      ...jsonSchemaOf(chatRequestSchema, "input"),
      description: "An OpenAI-style chat request plus Switchyard's orchestration options. Unknown fields are a 400.",
    },
    ChatCompletionRequest: {
      ...jsonSchemaOf(
        chatRequestSchema.extend({ stream: z.boolean().optional(), n: z.literal(1).optional() }).loose(),
        "input",
      ),
      description: "OpenAI's chat completions body; `model` names a deployment, a pool, a provider model id, or `auto`.",
    },
    ChatCompletion: jsonSchemaOf(chatCompletionSchema),
    AnthropicMessagesRequest: jsonSchemaOf(anthropicMessagesRequestSchema, "input"),
    AnthropicMessage: jsonSchemaOf(anthropicMessageSchema),
    AcceptedRequest: {
      ...jsonSchemaOf(acceptedResponseSchema.extend({ object: objectTag("request"), status: z.enum(REQUEST_STATUSES) })),
      description: "The 202 answer to a submission.",
    },
    RequestRecord: {
      ...record,
      properties: {
        object: { const: "request" },
        ...recordProperties,
        response: { type: "object", description: "Once succeeded: the result in the client's format (`format`)." },
        response_error: { type: "object", description: "Once failed: the error in the client's format." },
      },
      description: "A request record: status, classification, every hop, and once finished its result, usage and cost.",
    },
    RequestSummary: {
      type: "object",
      properties: {
        object: { const: "request" },
        ...Object.fromEntries(summaryKeys.flatMap((key) => (recordProperties[key] ? [[key, recordProperties[key]]] : []))),
      },
      required: ["object", "id", "status", "tenant", "tier", "client_format", "created_at_ms", "updated_at_ms"],
      description: "A request as a listing shows it: no hops, request or result (read the record for those).",
    },
    RequestList: {
      ...jsonSchemaOf(requestListSchema),
      properties: { ...((jsonSchemaOf(requestListSchema).properties ?? {}) as JsonSchema), data: { type: "array", items: { $ref: "#/components/schemas/RequestSummary" } } },
    },
    Health: jsonSchemaOf(healthSchema),
    ModelList: jsonSchemaOf(modelListSchema),
    Deployment: jsonSchemaOf(deploymentSchema),
    DeploymentList: { type: "object", properties: { object: { const: "list" }, data: { type: "array", items: { $ref: "#/components/schemas/Deployment" } } }, required: ["object", "data"] },
    WebhookEndpointInput: { ...jsonSchemaOf(webhookEndpointInputSchema, "input"), description: "No `events` (or an empty list) means every event type." },
    WebhookEndpoint: {
      ...(snakeSchema(jsonSchemaOf(webhookEndpointSchema.omit({ secret: true }).extend({ object: objectTag("webhook_endpoint") }))) as JsonSchema),
      description: `A registered endpoint (never with its secret). Event types: ${WEBHOOK_EVENT_TYPES.join(", ")}.`,
    },
    Error: { ...jsonSchemaOf(apiErrorBodySchema), description: "The one error shape of every endpoint (OpenAI's), except `/v1/messages`." },
    AnthropicError: { ...jsonSchemaOf(anthropicErrorSchema), description: "Anthropic's error shape, answered by `/v1/messages` only." },
  };
}

export const CLIENT_FORMAT_VALUES = CLIENT_FORMATS;
export const REQUEST_STATUS_VALUES = REQUEST_STATUSES;
