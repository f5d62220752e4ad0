import { z } from "zod";
import { jsonObjectSchema } from "./json-object-schema.js";

/**
 * The body of Anthropic's `POST /v1/messages`, as far as Switchyard's (OpenAI-shaped) request can express it.
 * Switchyard sends bodies of this type, and validates Anthropic-format clients' bodies with it before
 * `convertFromAnthropicRequest`. Objects are strict, as `chatRequestSchema` is: an option we cannot honour is
 * rejected with a reason instead of silently doing nothing. The one thing accepted and dropped is
 * `cache_control`: prompt caching changes cost and latency, never the answer.
 */
const cacheControlSchema = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() }).strict().nullish();

export const anthropicTextBlockSchema = z
  .object({ type: z.literal("text"), text: z.string(), cache_control: cacheControlSchema })
  .strict();
export type AnthropicTextBlock = z.infer<typeof anthropicTextBlockSchema>;

export const anthropicImageSourceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1) }).strict(),
  z.object({ type: z.literal("url"), url: z.string().min(1) }).strict(),
]);
export type AnthropicImageSource = z.infer<typeof anthropicImageSourceSchema>;

export const anthropicImageBlockSchema = z
  .object({ type: z.literal("image"), source: anthropicImageSourceSchema, cache_control: cacheControlSchema })
  .strict();
export type AnthropicImageBlock = z.infer<typeof anthropicImageBlockSchema>;

export const anthropicToolUseBlockSchema = z
  .object({
    type: z.literal("tool_use"),
    id: z.string().min(1),
    name: z.string().min(1),
    input: jsonObjectSchema,
    cache_control: cacheControlSchema,
  })
  .strict();
export type AnthropicToolUseBlock = z.infer<typeof anthropicToolUseBlockSchema>;

export const anthropicToolResultBlockSchema = z
  .object({
    type: z.literal("tool_result"),
    tool_use_id: z.string().min(1),
    content: z
      .union([z.string(), z.array(z.discriminatedUnion("type", [anthropicTextBlockSchema, anthropicImageBlockSchema]))])
      .optional(),
    /**
     * Accepted and dropped: OpenAI's tool messages have no error flag, so the content has to say what went
     * wrong (it does in practice: "Error: file not found").
     */
    is_error: z.boolean().optional(),
    cache_control: cacheControlSchema,
  })
  .strict();
export type AnthropicToolResultBlock = z.infer<typeof anthropicToolResultBlockSchema>;

const userBlockSchema = z.discriminatedUnion(
  "type",
  [anthropicTextBlockSchema, anthropicImageBlockSchema, anthropicToolResultBlockSchema],
  { error: "a user turn may hold text, image and tool_result blocks; other block types (document, ...) cannot be expressed" },
);
export type AnthropicUserBlock = z.infer<typeof userBlockSchema>;

const assistantBlockSchema = z.discriminatedUnion("type", [anthropicTextBlockSchema, anthropicToolUseBlockSchema], {
  error: "an assistant turn may hold text and tool_use blocks; other block types (thinking, server tools, ...) cannot be expressed",
});
export type AnthropicAssistantBlock = z.infer<typeof assistantBlockSchema>;

export const anthropicMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(userBlockSchema).min(1)]) }).strict(),
  z.object({ role: z.literal("assistant"), content: z.union([z.string(), z.array(assistantBlockSchema).min(1)]) }).strict(),
]);
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

export const anthropicToolSchema = z
  .object({
    type: z
      .literal("custom", { error: "only client tools ({name, description, input_schema}) can be expressed, not Anthropic's server tools" })
      .optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: jsonObjectSchema,
    cache_control: cacheControlSchema,
  })
  .strict();
export type AnthropicTool = z.infer<typeof anthropicToolSchema>;

const disableParallelToolUseSchema = z
  .literal(false, { error: "disable_parallel_tool_use: true cannot be expressed in Switchyard's request; leave it out" })
  .optional();

export const anthropicToolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: disableParallelToolUseSchema }).strict(),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: disableParallelToolUseSchema }).strict(),
  z.object({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: disableParallelToolUseSchema }).strict(),
  z.object({ type: z.literal("none") }).strict(),
]);
export type AnthropicToolChoice = z.infer<typeof anthropicToolChoiceSchema>;

export const anthropicRequestSchema = z
  .object({
    model: z.string().min(1),
    max_tokens: z.number().int().positive(),
    messages: z.array(anthropicMessageSchema).min(1),
    system: z.union([z.string(), z.array(anthropicTextBlockSchema)]).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.never({ error: "top_k has no equivalent in Switchyard's (OpenAI-shaped) request; leave it out" }).optional(),
    stop_sequences: z.array(z.string()).optional(),
    tools: z.array(anthropicToolSchema).optional(),
    tool_choice: anthropicToolChoiceSchema.optional(),
    metadata: z.object({ user_id: z.string().max(256).nullish() }).strict().optional(),
    stream: z.boolean().optional(),
    thinking: z.never({ error: "extended thinking cannot be expressed in Switchyard's request; leave it out" }).optional(),
  })
  .strict();
export type AnthropicRequestBody = z.infer<typeof anthropicRequestSchema>;
