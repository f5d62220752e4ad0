import { z } from "zod";
import { finishReasonSchema, tokenUsageSchema } from "./chat-result.js";

/**
 * A streamed answer, normalized: every provider's server-sent events map onto these, and every client
 * format is produced from them.
 */
export const chatStreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), model: z.string(), providerResponseId: z.string().optional() }),
  z.object({ type: z.literal("text-delta"), text: z.string() }),
  z.object({
    type: z.literal("tool-call-delta"),
    /** Position of the call in the message's tool_calls. */
    index: z.number().int().nonnegative(),
    id: z.string().optional(),
    name: z.string().optional(),
    argumentsDelta: z.string(),
  }),
  z.object({ type: z.literal("finish"), finishReason: finishReasonSchema, usage: tokenUsageSchema }),
]);
export type ChatStreamEvent = z.infer<typeof chatStreamEventSchema>;
