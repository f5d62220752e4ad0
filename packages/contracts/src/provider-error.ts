import { z } from "zod";
import { rateLimitStateSchema } from "./rate-limit-state.js";

/**
 * What went wrong with a provider call, as data. The worker turns a kind into queue behaviour in exactly
 * one place; nothing anywhere compares error message strings.
 */
export const PROVIDER_ERROR_KINDS = [
  "rate_limited",
  "quota_exhausted",
  "overloaded",
  "server",
  "timeout",
  "network",
  "invalid_response",
  "context_length",
  "content_filtered",
  "auth",
  "bad_request",
  "not_found",
] as const;
export const providerErrorKindSchema = z.enum(PROVIDER_ERROR_KINDS);
export type ProviderErrorKind = z.infer<typeof providerErrorKindSchema>;

export const providerErrorDataSchema = z.object({
  kind: providerErrorKindSchema,
  message: z.string(),
  httpStatus: z.number().int().optional(),
  retryable: z.boolean(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  provider: z.string(),
  deploymentId: z.string().optional(),
  /** The first bytes of the provider's body, for diagnosis; never the request. */
  bodyExcerpt: z.string().optional(),
  /** The provider's rate-limit headers on this answer, when it sent any. */
  rateLimit: rateLimitStateSchema.optional(),
});
export type ProviderErrorData = z.infer<typeof providerErrorDataSchema>;

const RETRYABLE: Record<ProviderErrorKind, boolean> = {
  rate_limited: true,
  quota_exhausted: false,
  overloaded: true,
  server: true,
  timeout: true,
  network: true,
  invalid_response: true,
  context_length: false,
  content_filtered: false,
  auth: false,
  bad_request: false,
  not_found: false,
};

export function isRetryableKind(kind: ProviderErrorKind): boolean {
  return RETRYABLE[kind];
}

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly data: ProviderErrorData;

  constructor(data: Omit<ProviderErrorData, "retryable"> & { retryable?: boolean }) {
    super(data.message);
    this.data = { ...data, retryable: data.retryable ?? isRetryableKind(data.kind) };
  }

  get kind(): ProviderErrorKind {
    return this.data.kind;
  }

  static is(error: unknown): error is ProviderError {
    return error instanceof ProviderError;
  }
}
