import { z } from "zod";
import { toolCallSchema } from "./chat-request.js";
import { rateLimitStateSchema } from "./rate-limit-state.js";

export const FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter", "error", "other"] as const;
export const finishReasonSchema = z.enum(FINISH_REASONS);
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const tokenUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().default(0),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

/** A provider's answer, normalized so that every wire format maps onto it. */
export const chatResultSchema = z.object({
  /** The model id the provider says served the request. */
  model: z.string(),
  message: z.object({
    role: z.literal("assistant"),
    content: z.string().nullable(),
    tool_calls: z.array(toolCallSchema).optional(),
  }),
  finishReason: finishReasonSchema,
  usage: tokenUsageSchema,
  /** The provider's own response id, for support tickets. */
  providerResponseId: z.string().optional(),
  /** What the provider's rate-limit headers said about the remaining budget, when it sent any. */
  rateLimit: rateLimitStateSchema.optional(),
});
export type ChatResult = z.infer<typeof chatResultSchema>;
