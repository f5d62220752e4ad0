import { z } from "zod";
import { anthropicUsageSchema } from "./anthropic-response-schema.js";

/**
 * The events of Anthropic's message stream that Switchyard reads, each checked only for what is used. Other
 * event types (and `ping`) are skipped: Anthropic's versioning policy allows new ones. `error` events are read
 * with the error body schema (map-anthropic-error.ts).
 */
export const anthropicMessageStartSchema = z.object({
  type: z.literal("message_start"),
  message: z.object({ id: z.string().optional(), model: z.string().optional(), usage: anthropicUsageSchema.nullish() }),
});

const toolUseStartSchema = z.object({ type: z.literal("tool_use"), id: z.string().min(1), name: z.string().min(1) });
/** Text, thinking and server-tool blocks start with nothing Switchyard needs; their deltas carry the content. */
const otherBlockStartSchema = z.object({ type: z.string().refine((type) => type !== "tool_use") });

export const anthropicContentBlockStartSchema = z.object({
  type: z.literal("content_block_start"),
  index: z.number().int().nonnegative(),
  content_block: z.union([toolUseStartSchema, otherBlockStartSchema]),
});

export const anthropicContentBlockDeltaSchema = z.object({
  type: z.literal("content_block_delta"),
  index: z.number().int().nonnegative(),
  delta: z.union([
    z.object({ type: z.literal("text_delta"), text: z.string() }),
    z.object({ type: z.literal("input_json_delta"), partial_json: z.string() }),
    // thinking_delta, signature_delta, citations_delta, ...: nothing Switchyard relays.
    z.object({ type: z.string().refine((type) => type !== "text_delta" && type !== "input_json_delta") }),
  ]),
});

export const anthropicContentBlockStopSchema = z.object({
  type: z.literal("content_block_stop"),
  index: z.number().int().nonnegative(),
});

export const anthropicMessageDeltaSchema = z.object({
  type: z.literal("message_delta"),
  delta: z.object({ stop_reason: z.string().nullish() }),
  /** Cumulative: the latest value of each field is the answer's. */
  usage: anthropicUsageSchema.nullish(),
});
