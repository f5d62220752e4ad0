import { z } from "zod";
import { jsonObjectSchema } from "./json-object-schema.js";

/**
 * Anthropic's `usage`. `input_tokens` counts only the input after the last cache breakpoint: the tokens read
 * from the cache and those written to it are counted apart (see map-anthropic-usage.ts). Every field is
 * optional because a stream's `message_delta` repeats only some of them.
 */
export const anthropicUsageSchema = z.object({
  input_tokens: z.number().int().nonnegative().nullish(),
  output_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
  cache_read_input_tokens: z.number().int().nonnegative().nullish(),
});
export type AnthropicUsageBody = z.infer<typeof anthropicUsageSchema>;

const textBlockSchema = z.object({ type: z.literal("text"), text: z.string() });
const toolUseBlockSchema = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: jsonObjectSchema,
});
/** Blocks Switchyard does not ask for (thinking, server tools' results, ...) are tolerated and skipped. */
const otherBlockSchema = z.object({ type: z.string().refine((type) => type !== "text" && type !== "tool_use") });

/**
 * The parts of Anthropic's `message` that Switchyard reads. `type: "message"` is required so that an error
 * object, or anything else, sent with a 2xx status is not read as an empty answer.
 */
export const anthropicResponseSchema = z.object({
  id: z.string().optional(),
  type: z.literal("message"),
  model: z.string().optional(),
  content: z.array(z.union([textBlockSchema, toolUseBlockSchema, otherBlockSchema])),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});
export type AnthropicResponse = z.infer<typeof anthropicResponseSchema>;

/**
 * Anthropic's error body, `{ type: "error", error: { type, message, details? }, request_id }`, read
 * leniently: proxies in front of Anthropic send partial shapes. `details.error_code` is the documented way to
 * tell a spent monthly cap from a rate limit (both are 429 `rate_limit_error`).
 */
export const anthropicErrorBodySchema = z.object({
  error: z.object({
    type: z.string().nullish(),
    message: z.string().nullish(),
    details: z.object({ error_code: z.string().nullish() }).nullish(),
  }),
});
