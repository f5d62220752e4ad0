import { z } from "zod";

/** One budget a provider reports: its limit, what remains, and when it resets (epoch ms). */
export const rateLimitWindowSchema = z.object({
  limit: z.number().nonnegative().optional(),
  remaining: z.number().nonnegative().optional(),
  resetAtMs: z.number().int().optional(),
});
export type RateLimitWindow = z.infer<typeof rateLimitWindowSchema>;

/**
 * What a provider's rate-limit headers said, normalized across providers (OpenAI `x-ratelimit-*`,
 * Anthropic `anthropic-ratelimit-*`, `retry-after`/`retry-after-ms`). Recorded per deployment so the
 * rate limiter can lower its budget to what the provider says remains.
 */
export const rateLimitStateSchema = z.object({
  observedAtMs: z.number().int(),
  requests: rateLimitWindowSchema.optional(),
  tokens: rateLimitWindowSchema.optional(),
  inputTokens: rateLimitWindowSchema.optional(),
  outputTokens: rateLimitWindowSchema.optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type RateLimitState = z.infer<typeof rateLimitStateSchema>;
