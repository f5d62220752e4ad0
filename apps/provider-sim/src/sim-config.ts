import { z } from "zod";

/** How long the simulator waits before answering. Every kind is in milliseconds. */
export const latencySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed"), ms: z.number().nonnegative() }).strict(),
  z
    .object({ kind: z.literal("uniform"), minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() })
    .strict()
    .refine((latency) => latency.maxMs >= latency.minMs, { message: "maxMs must be ≥ minMs", path: ["maxMs"] }),
  z
    .object({ kind: z.literal("lognormal"), medianMs: z.number().positive(), p99Ms: z.number().positive() })
    .strict()
    .refine((latency) => latency.p99Ms >= latency.medianMs, { message: "p99Ms must be ≥ medianMs", path: ["p99Ms"] }),
]);
export type Latency = z.infer<typeof latencySchema>;

/** The statuses the simulator can inject, each answered with the body OpenAI sends for it. */
export const SIM_ERROR_STATUSES = [429, 500, 503] as const;
export const simErrorStatusSchema = z.literal(SIM_ERROR_STATUSES);
export type SimErrorStatus = z.infer<typeof simErrorStatusSchema>;

/** What a model does: the global defaults, optionally overridden per model id. */
export const modelBehaviourSchema = z
  .object({
    latency: latencySchema,
    /** Share of requests, 0..1, answered with `errorStatus` instead of a completion. */
    errorRate: z.number().min(0).max(1),
    errorStatus: simErrorStatusSchema,
    /** Sent as `retry-after-ms` (and rounded up to seconds as `retry-after`) on injected 429s. */
    retryAfterMs: z.number().int().nonnegative(),
  })
  .strict();
export type ModelBehaviour = z.infer<typeof modelBehaviourSchema>;

export const DEFAULT_MODEL_BEHAVIOUR: ModelBehaviour = {
  latency: { kind: "fixed", ms: 0 },
  errorRate: 0,
  errorStatus: 500,
  retryAfterMs: 1000,
};

export const simConfigSchema = z
  .object({
    latency: latencySchema.default(DEFAULT_MODEL_BEHAVIOUR.latency),
    errorRate: modelBehaviourSchema.shape.errorRate.default(DEFAULT_MODEL_BEHAVIOUR.errorRate),
    errorStatus: simErrorStatusSchema.default(DEFAULT_MODEL_BEHAVIOUR.errorStatus),
    retryAfterMs: modelBehaviourSchema.shape.retryAfterMs.default(DEFAULT_MODEL_BEHAVIOUR.retryAfterMs),
    /** When set, `/v1/*` requires `Authorization: Bearer <requireApiKey>`; the control API never does. */
    requireApiKey: z.string().min(1).optional(),
    /** When set, any other model gets OpenAI's 404 `model_not_found`; by default every model is accepted. */
    allowedModels: z.array(z.string().min(1)).min(1).optional(),
    /** Per-model overrides of the global behaviour, keyed by the model id clients send. */
    models: z.record(z.string().min(1), modelBehaviourSchema.partial()).default({}),
    /** Seeds latency sampling and error injection so a chaos run can be replayed; `Math.random` when absent. */
    seed: z.number().int().optional(),
  })
  .strict();
export type SimConfig = z.infer<typeof simConfigSchema>;
export type SimConfigInput = z.input<typeof simConfigSchema>;

export function parseSimConfig(input: unknown): SimConfig {
  return simConfigSchema.parse(input ?? {});
}

/** The behaviour a request for `model` gets: the global values with the model's overrides on top. */
export function resolveModelBehaviour(config: SimConfig, model: string): ModelBehaviour {
  const global: ModelBehaviour = {
    latency: config.latency,
    errorRate: config.errorRate,
    errorStatus: config.errorStatus,
    retryAfterMs: config.retryAfterMs,
  };
  const override = Object.hasOwn(config.models, model) ? config.models[model] : undefined;
  return override ? { ...global, ...stripUndefined(override) } : global;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
