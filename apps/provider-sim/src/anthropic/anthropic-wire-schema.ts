import { z } from "zod";

/**
 * The part of Anthropic's `POST /v1/messages` body the simulator reads. Unknown fields pass (metadata,
 * thinking, ...); what is read is checked as Anthropic checks it.
 */
const contentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  input: z.unknown().optional(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
});
export type AnthropicContentBlock = z.infer<typeof contentBlockSchema>;

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

const toolSchema = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"),
  description: z.string().optional(),
  /** Absent on Anthropic's server tools (`type: "web_search_..."`), which the simulator never calls. */
  input_schema: z.looseObject({ type: z.literal("object") }).optional(),
  type: z.string().optional(),
});

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto") }),
  z.looseObject({ type: z.literal("any") }),
  z.looseObject({ type: z.literal("none") }),
  z.looseObject({ type: z.literal("tool"), name: z.string() }),
]);

export const anthropicRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(anthropicMessageSchema),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal("text"), text: z.string() }))]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
});
export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;

/** Anthropic's error body. */
export interface AnthropicErrorBody {
  type: "error";
  /** `details.error_code` tells apart errors that share a type (a spent spend limit is a `rate_limit_error`). */
  error: { type: string; message: string; details?: { error_code: string } };
}
