import { z } from "zod";
import { COMPLEXITIES, DOMAINS, TIERS } from "@switchyard/contracts";
import { resilienceSchema } from "./resilience-schema.js";
import { poolSchema, tenantLimitsSchema } from "./balancing-schema.js";
import { webhooksSchema } from "./webhooks-schema.js";

/** Wire formats a deployment can speak; one adapter each in `@switchyard/providers`. */
export const PROVIDER_FORMATS = ["openai-chat", "anthropic-messages", "gemini"] as const;
export const PROVIDERS = ["openai", "anthropic", "gemini", "local"] as const;

const qualitySchema = z
  .object(Object.fromEntries(DOMAINS.map((domain) => [domain, z.number().min(0).max(1).optional()])) as Record<
    (typeof DOMAINS)[number],
    z.ZodOptional<z.ZodNumber>
  >)
  .strict();

/**
 * A model-specific prompt adjustment, as data: when the request matches every given condition, the text is
 * appended to the system prompt before the call (e.g. XML structure hints for one model family, a
 * step-by-step hint for another).
 */
export const promptAdjustmentSchema = z
  .object({
    name: z.string().min(1).max(64),
    when: z
      .object({
        domains: z.array(z.enum(DOMAINS)).min(1).optional(),
        complexities: z.array(z.enum(COMPLEXITIES)).min(1).optional(),
        /** Any of these classifier signals (multiStep, reasoning, creative, factual, long). */
        signals: z.array(z.string()).min(1).optional(),
        /** The request asks for JSON output (`response_format` json_object / json_schema). */
        structuredOutput: z.boolean().optional(),
      })
      .strict()
      .default({}),
    appendSystem: z.string().min(1).max(4000),
  })
  .strict();
export type PromptAdjustment = z.infer<typeof promptAdjustmentSchema>;

export const deploymentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, '-' and '_', at most 64"),
    /** Who runs the model; one worker pool per provider. */
    provider: z.enum(PROVIDERS),
    /** The wire format its endpoint speaks. */
    format: z.enum(PROVIDER_FORMATS).default("openai-chat"),
    /** The model id sent to the provider. */
    model: z.string().min(1),
    baseUrl: z.url({ message: "must be an absolute http(s) URL" }),
    /** Name of the environment variable holding the API key; keys never live in config or job data. */
    apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
    pricePer1kInputUsd: z.number().nonnegative(),
    pricePer1kOutputUsd: z.number().nonnegative(),
    contextWindowTokens: z.number().int().positive(),
    /** Default max output tokens when the request does not set one. */
    defaultMaxOutputTokens: z.number().int().positive().default(1024),
    typicalLatencyMs: z.number().int().positive(),
    /** Quality 0..1 per domain; `general` is the fallback for domains not listed. */
    quality: qualitySchema.refine((q) => q.general !== undefined, "quality.general is required"),
    /** May receive requests that contain PII (local or contractually private). */
    private: z.boolean().default(false),
    /**
     * The provider's limits for this deployment's key and model, enforced across the whole fleet (Redis):
     * requests and tokens per `windowMs` (a minute unless a test shortens it), and calls in flight at once.
     * They are a ceiling: the provider's rate-limit headers lower the budget until their reset.
     */
    limits: z
      .object({
        rpm: z.number().int().positive().optional(),
        tpm: z.number().int().positive().optional(),
        concurrency: z.number().int().positive().max(1000).default(16),
        windowMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    timeoutMs: z.number().int().positive().default(60_000),
    enabled: z.boolean().default(true),
    adjustments: z.array(promptAdjustmentSchema).default([]),
  })
  .strict();
export type DeploymentConfig = z.infer<typeof deploymentSchema>;

export const weightsSchema = z
  .object({
    quality: z.number().min(0),
    cost: z.number().min(0),
    latency: z.number().min(0),
  })
  .strict()
  .refine((w) => w.quality + w.cost + w.latency > 0, "at least one weight must be positive");
export type ScoringWeights = z.infer<typeof weightsSchema>;

export const tierPolicySchema = z
  .object({
    /** Scoring weights for this tier; the top-level `weights` when absent. */
    weights: weightsSchema.optional(),
    /** Only deployments with quality ≥ this for the request's domain are eligible. */
    minQuality: z.number().min(0).max(1).optional(),
    /** Only private deployments are eligible (the `private` tier sets this). */
    privateOnly: z.boolean().default(false),
    /** Restrict the tier to these deployment ids; all enabled deployments when absent. */
    deployments: z.array(z.string()).optional(),
    /** Queue concurrency of the dispatcher for this tier. */
    dispatchConcurrency: z.number().int().positive().max(1000).default(64),
  })
  .strict();
export type TierPolicy = z.infer<typeof tierPolicySchema>;

const tiersSchema = z
  .object(Object.fromEntries(TIERS.map((tier) => [tier, tierPolicySchema.optional()])) as Record<
    (typeof TIERS)[number],
    z.ZodOptional<typeof tierPolicySchema>
  >)
  .strict();

export const configSchema = z
  .object({
    redis: z
      .object({
        url: z.string().default("redis://127.0.0.1:6379"),
        /**
         * Prefix of every key and queue. Written as a Redis Cluster hash tag (`{...}`) so all of a
         * deployment's keys land in one slot and Lua scripts and BullMQ work on a cluster unchanged.
         */
        prefix: z
          .string()
          .regex(/^\{[A-Za-z0-9_-]+\}$/, "must be a hash tag such as {sy}")
          .default("{sy}"),
      })
      .strict()
      .default({ url: "redis://127.0.0.1:6379", prefix: "{sy}" }),
    api: z
      .object({
        port: z.number().int().min(0).max(65535).default(8080),
        host: z.string().default("0.0.0.0"),
        bodyLimitBytes: z.number().int().positive().default(1_048_576),
        longPollMaxSeconds: z.number().int().positive().max(600).default(60),
        /** How long an `Idempotency-Key` on `POST /v1/requests` is remembered after its first use. */
        idempotencyTtlSeconds: z.number().int().positive().default(24 * 3600),
        /**
         * How long a key stays claimed while its first submission runs; a process that dies mid-submission frees
         * the key after this. Longer than any submission takes (milliseconds), short enough that a retry succeeds.
         */
        idempotencyPendingTtlSeconds: z.number().int().positive().max(3600).default(30),
      })
      .strict()
      .default({
        port: 8080,
        host: "0.0.0.0",
        bodyLimitBytes: 1_048_576,
        longPollMaxSeconds: 60,
        idempotencyTtlSeconds: 24 * 3600,
        idempotencyPendingTtlSeconds: 30,
      }),
    dashboard: z
      .object({
        /** Basic-auth user for Bull Board; the password is the admin key unless `passwordEnv` names another. */
        username: z.string().min(1).default("admin"),
        passwordEnv: z.string().optional(),
        /**
         * A read-only dashboard login (basic auth): Bull Board in read-only mode, nothing can be retried, removed or
         * paused. Both must be set to enable it; the password is read from the environment variable named here.
         */
        readOnlyUsername: z.string().min(1).optional(),
        readOnlyPasswordEnv: z.string().optional(),
      })
      .strict()
      .default({ username: "admin" }),
    records: z
      .object({ ttlSeconds: z.number().int().positive().default(7 * 24 * 3600) })
      .strict()
      .default({ ttlSeconds: 7 * 24 * 3600 }),
    jobs: z
      .object({
        /** Completed jobs kept for inspection in Bull Board. */
        keepCompletedCount: z.number().int().nonnegative().default(1000),
        keepFailedAgeSeconds: z.number().int().positive().default(7 * 24 * 3600),
      })
      .strict()
      .default({ keepCompletedCount: 1000, keepFailedAgeSeconds: 7 * 24 * 3600 }),
    weights: weightsSchema.default({ quality: 0.4, cost: 0.3, latency: 0.3 }),
    tiers: tiersSchema.default({}),
    /**
     * Fallback chains (deployment ids in order), keyed by tier, or by a deployment id for the chain to follow
     * when that deployment is the primary (the per-route chain; it wins over the tier's). Without one, the
     * chain is the rest of the dispatcher's ranking.
     */
    fallbacks: z.record(z.string(), z.array(z.string()).min(1)).default({}),
    resilience: resilienceSchema,
    /** Groups of equivalent deployments and how load is spread across each (see balancing-schema.ts). */
    pools: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), poolSchema).default({}),
    /** Per-tenant request, token and monthly USD budgets; `default` applies to tenants not listed. */
    tenants: z.record(z.string(), tenantLimitsSchema).default({}),
    /** Webhook delivery: retry schedule, timeouts, SSRF allowlist (see webhooks-schema.ts). */
    webhooks: webhooksSchema,
    deployments: z.array(deploymentSchema).min(1, "at least one deployment is required"),
  })
  .strict()
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.deployments.forEach((deployment, index) => {
      if (ids.has(deployment.id)) {
        ctx.addIssue({ code: "custom", path: ["deployments", index, "id"], message: `duplicate deployment id "${deployment.id}"` });
      }
      ids.add(deployment.id);
    });
    for (const [tier, policy] of Object.entries(config.tiers)) {
      policy?.deployments?.forEach((id, index) => {
        if (!ids.has(id)) {
          ctx.addIssue({ code: "custom", path: ["tiers", tier, "deployments", index], message: `unknown deployment "${id}"` });
        }
      });
    }
    const poolOf = new Map<string, string>();
    for (const [name, pool] of Object.entries(config.pools)) {
      pool.deployments.forEach((id, index) => {
        const path = ["pools", name, "deployments", index];
        if (!ids.has(id)) ctx.addIssue({ code: "custom", path, message: `unknown deployment "${id}"` });
        const other = poolOf.get(id);
        if (other !== undefined) ctx.addIssue({ code: "custom", path, message: `"${id}" is already in pool "${other}"; a deployment belongs to one pool` });
        poolOf.set(id, name);
      });
      for (const id of Object.keys(pool.weights)) {
        if (!pool.deployments.includes(id)) ctx.addIssue({ code: "custom", path: ["pools", name, "weights", id], message: `"${id}" is not in this pool` });
      }
    }
    for (const [name, chain] of Object.entries(config.fallbacks)) {
      if (!(TIERS as readonly string[]).includes(name) && !ids.has(name)) {
        ctx.addIssue({ code: "custom", path: ["fallbacks", name], message: `"${name}" is neither a tier nor a deployment id` });
      }
      chain.forEach((id, index) => {
        if (!ids.has(id)) {
          ctx.addIssue({ code: "custom", path: ["fallbacks", name, index], message: `unknown deployment "${id}"` });
        }
      });
    }
  });
export type SwitchyardConfig = z.infer<typeof configSchema>;
