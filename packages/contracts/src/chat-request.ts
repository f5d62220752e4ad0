import { z } from "zod";
import { cacheModeSchema } from "./cache-mode.js";
import { requestWebhookSchema } from "./webhook-endpoint.js";

/** One part of a multi-part message content (OpenAI shape). */
export const contentPartSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }).strict(),
  z
    .object({
      type: z.literal("image_url"),
      image_url: z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }).strict(),
    })
    .strict(),
]);
export type ContentPart = z.infer<typeof contentPartSchema>;

export const chatRoleSchema = z.enum(["system", "developer", "user", "assistant", "tool"]);
export type ChatRole = z.infer<typeof chatRoleSchema>;

/** A function call the assistant made (OpenAI shape); `arguments` is the JSON text the model produced. */
export const toolCallSchema = z
  .object({
    id: z.string().min(1),
    type: z.literal("function"),
    function: z.object({ name: z.string().min(1), arguments: z.string() }).strict(),
  })
  .strict();
export type ToolCall = z.infer<typeof toolCallSchema>;

export const chatMessageSchema = z
  .object({
    role: chatRoleSchema,
    content: z.union([z.string(), z.array(contentPartSchema).min(1)]).nullable(),
    name: z.string().min(1).max(64).optional(),
    /** On `tool` messages: the call this message answers. */
    tool_call_id: z.string().optional(),
    /** On `assistant` messages: the calls the model made. */
    tool_calls: z.array(toolCallSchema).min(1).optional(),
  })
  .strict();
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const URGENCIES = ["realtime", "high", "normal", "low", "batch"] as const;
export const urgencySchema = z.enum(URGENCIES);
export type Urgency = z.infer<typeof urgencySchema>;

export const requestMetadataSchema = z
  .object({
    urgency: urgencySchema.optional(),
  })
  // Callers may attach their own string labels; they are kept on the record untouched.
  .catchall(z.union([z.string().max(512), z.number(), z.boolean()]));

export const requestConstraintsSchema = z
  .object({
    /** Upper bound on a deployment's blended price, USD per 1k tokens. */
    maxCostPer1k: z.number().nonnegative().optional(),
    /** Upper bound on a deployment's typical latency, in milliseconds. */
    maxLatencyMs: z.number().int().positive().optional(),
    /** Only local/private deployments may serve this request. */
    requiresLocal: z.boolean().optional(),
    /** The request's deadline, from acceptance: fallbacks and the retry queue give up after it. */
    timeoutMs: z.number().int().min(1_000).max(7 * 24 * 3_600_000).optional(),
  })
  .strict();
export type RequestConstraints = z.infer<typeof requestConstraintsSchema>;

export const MAX_MESSAGES = 2048;

/** A function the model may call (OpenAI shape); `parameters` is a JSON Schema object. */
export const toolDefinitionSchema = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "tool names are 1-64 letters, digits, '_' or '-'"),
        description: z.string().max(4096).optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

export const toolChoiceSchema = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }).strict() }).strict(),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  z
    .object({
      type: z.literal("json_schema"),
      json_schema: z
        .object({
          name: z.string().min(1).max(64),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

/**
 * The body of `POST /v1/requests`: an OpenAI-style chat request plus Switchyard's orchestration options.
 * Unknown top-level fields are rejected so that a misspelled option never silently does nothing.
 */
export const chatRequestSchema = z
  .object({
    model: z.string().min(1).max(256).optional(),
    messages: z.array(chatMessageSchema).min(1).max(MAX_MESSAGES),
    max_tokens: z.number().int().positive().max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
    seed: z.number().int().optional(),
    tools: z.array(toolDefinitionSchema).max(128).optional(),
    tool_choice: toolChoiceSchema.optional(),
    response_format: responseFormatSchema.optional(),
    user: z.string().max(256).optional(),
    metadata: requestMetadataSchema.optional(),
    constraints: requestConstraintsSchema.optional(),
    /** Response cache use; the config's `resilience.cache.defaultMode` when absent. */
    cache: cacheModeSchema.optional(),
    /**
     * Deliver the answer while it is generated: the worker forwards the provider's stream through a Redis Stream
     * per request, which the API relays as server-sent events. Only the drop-in endpoints set it (`stream: true` in
     * the caller's own body); `POST /v1/requests` refuses it, since nobody would read the stream.
     */
    stream: z.boolean().optional(),
    tenant: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "tenant must be 1-64 characters of letters, digits, '_', '.', '-'")
      .optional(),
    /** Deliver this request's events (`request.*`) to this URL, signed with the tenant's signing secret. */
    webhook: requestWebhookSchema.optional(),
  })
  .strict();
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** Concatenated text of a message, images ignored. */
export function messageText(message: ChatMessage): string {
  if (message.content === null) return "";
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}
