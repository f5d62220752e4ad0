import { z } from "zod";
import { cacheModeSchema, PROVIDER_ERROR_KINDS, type ProviderErrorKind } from "@switchyard/contracts";

/**
 * What the cascade does after a failed provider call (see docs/architecture.md, "The cascade"):
 * - `retry_then_fallback`: retry the same deployment with exponential backoff and jitter, up to `maxAttempts`
 *   calls on it, then fall back.
 * - `wait_or_fallback`: retry the same deployment once its `retry-after` has passed, if that fits the request's
 *   deadline and `maxAttempts`; otherwise fall back at once.
 * - `fallback_faster`: fall back at once, to the next deployment in the chain that is typically faster.
 * - `fallback_larger_context`: fall back at once, to the next deployment with a larger context window.
 * - `fallback_other_provider`: fall back at once, to the next deployment of another provider.
 * - `open_circuit_and_fallback`: no retry there; open that deployment's circuit (an alert event) and fall back.
 * - `fail`: the caller's fault; fail the request at once with the provider's reason, no fallback.
 */
export const FAILURE_ACTIONS = [
  "retry_then_fallback",
  "wait_or_fallback",
  "fallback_faster",
  "fallback_larger_context",
  "fallback_other_provider",
  "open_circuit_and_fallback",
  "fail",
] as const;
export const failureActionSchema = z.enum(FAILURE_ACTIONS);
export type FailureActionName = z.infer<typeof failureActionSchema>;

export const failurePolicySchema = z
  .object({
    action: failureActionSchema,
    /** Calls on one deployment for this kind of failure, the first included (retry actions only). */
    maxAttempts: z.number().int().min(1).max(10).default(1),
  })
  .strict();
export type FailurePolicy = z.infer<typeof failurePolicySchema>;

/** The seed guide's decision matrix, as data. Config entries replace single rows. */
export const DEFAULT_FAILURE_POLICIES: Record<ProviderErrorKind, FailurePolicy> = {
  rate_limited: { action: "wait_or_fallback", maxAttempts: 3 },
  quota_exhausted: { action: "open_circuit_and_fallback", maxAttempts: 1 },
  overloaded: { action: "retry_then_fallback", maxAttempts: 3 },
  server: { action: "retry_then_fallback", maxAttempts: 3 },
  network: { action: "retry_then_fallback", maxAttempts: 3 },
  timeout: { action: "fallback_faster", maxAttempts: 1 },
  invalid_response: { action: "retry_then_fallback", maxAttempts: 2 },
  context_length: { action: "fallback_larger_context", maxAttempts: 1 },
  content_filtered: { action: "fallback_other_provider", maxAttempts: 1 },
  auth: { action: "open_circuit_and_fallback", maxAttempts: 1 },
  not_found: { action: "open_circuit_and_fallback", maxAttempts: 1 },
  bad_request: { action: "fail", maxAttempts: 1 },
};

const failurePoliciesSchema = z
  .object(Object.fromEntries(PROVIDER_ERROR_KINDS.map((kind) => [kind, failurePolicySchema.optional()])) as Record<
    ProviderErrorKind,
    z.ZodOptional<typeof failurePolicySchema>
  >)
  .strict()
  .default({})
  .transform((overrides) => ({ ...DEFAULT_FAILURE_POLICIES, ...overrides }) as Record<ProviderErrorKind, FailurePolicy>);

const backoffSchema = (baseDelayMs: number, maxDelayMs: number) =>
  z
    .object({
      baseDelayMs: z.number().int().nonnegative().default(baseDelayMs),
      maxDelayMs: z.number().int().positive().default(maxDelayMs),
    })
    .strict()
    .prefault({});

export const resilienceSchema = z
  .object({
    /** A request's deadline, from acceptance, unless it sets `constraints.timeoutMs`. */
    defaultTimeoutMs: z.number().int().positive().default(10 * 60_000),
    /** Provider calls one request may make across all deployments; the cascade never loops past it. */
    maxProviderCalls: z.number().int().min(1).max(50).default(10),
    /** Deployments one request may fall back through (the primary not counted). */
    maxFallbacks: z.number().int().min(0).max(20).default(3),
    onFailure: failurePoliciesSchema,
    /** Same-deployment retries (`retry_then_fallback`): exponential, with full jitter. */
    retryBackoff: backoffSchema(250, 8_000),
    /** The retry queue, after every fallback and the cache failed: exponential with jitter, until the deadline. */
    retryQueue: z
      .object({
        baseDelayMs: z.number().int().nonnegative().default(2_000),
        maxDelayMs: z.number().int().positive().default(120_000),
        /** Passes through the retry queue before the request fails for good. */
        maxRounds: z.number().int().min(0).max(100).default(5),
      })
      .strict()
      .prefault({}),
    breaker: z
      .object({
        /** Failures within `windowMs` that open the circuit. */
        failureThreshold: z.number().int().min(1).default(5),
        /** Or this failure ratio, once `minCalls` calls were counted in the window. */
        failureRatio: z.number().gt(0).max(1).default(0.5),
        minCalls: z.number().int().min(1).default(20),
        windowMs: z.number().int().positive().default(30_000),
        /** Open → half-open after this long; then exactly one probe call is let through. */
        resetTimeoutMs: z.number().int().positive().default(30_000),
        /** A probe that never reports (its worker died) frees the half-open slot after this long. */
        probeLeaseMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    cache: z
      .object({
        ttlSeconds: z.number().int().positive().default(3_600),
        /** Per request `cache`: `prefer` serves from cache first, `fallback` only as the cascade's stage, `off`. */
        defaultMode: cacheModeSchema.default("fallback"),
        /** Responses of private (PII) requests are cached only if this is true, and only from private deployments. */
        allowPrivate: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
export type ResilienceConfig = z.infer<typeof resilienceSchema>;
