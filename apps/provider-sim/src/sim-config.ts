import { z } from "zod";
import { DEFAULT_MODEL_BEHAVIOUR, modelBehaviourSchema, type ModelBehaviour } from "./model-behaviour.js";

export {
  latencySchema,
  modelBehaviourSchema,
  outageSchema,
  simErrorStatusSchema,
  SIM_ERROR_STATUSES,
  DEFAULT_MODEL_BEHAVIOUR,
} from "./model-behaviour.js";
export type { Latency, ModelBehaviour, Outage, SimErrorStatus } from "./model-behaviour.js";

const behaviour = modelBehaviourSchema.shape;
const defaults = DEFAULT_MODEL_BEHAVIOUR;

export const simConfigSchema = z
  .object({
    latency: behaviour.latency.default(defaults.latency),
    errorRate: behaviour.errorRate.default(defaults.errorRate),
    errorStatus: behaviour.errorStatus.default(defaults.errorStatus),
    retryAfterMs: behaviour.retryAfterMs.default(defaults.retryAfterMs),
    quotaExhausted: behaviour.quotaExhausted.default(defaults.quotaExhausted),
    rpm: behaviour.rpm,
    tpm: behaviour.tpm,
    maxConcurrent: behaviour.maxConcurrent,
    limitWindowMs: behaviour.limitWindowMs.default(defaults.limitWindowMs),
    contextWindowTokens: behaviour.contextWindowTokens,
    contentFilterPhrase: behaviour.contentFilterPhrase,
    contentFilterRejectsPrompt: behaviour.contentFilterRejectsPrompt.default(defaults.contentFilterRejectsPrompt),
    outages: behaviour.outages.default(defaults.outages),
    downUntilMs: behaviour.downUntilMs,
    downStatus: behaviour.downStatus.default(defaults.downStatus),
    slowBodyRate: behaviour.slowBodyRate.default(defaults.slowBodyRate),
    slowBodyMs: behaviour.slowBodyMs.default(defaults.slowBodyMs),
    partialBodyRate: behaviour.partialBodyRate.default(defaults.partialBodyRate),
    invalidJsonRate: behaviour.invalidJsonRate.default(defaults.invalidJsonRate),
    /** When set, `/v1/*` and `/v1beta/*` require this key (each format's own header); the control API never does. */
    requireApiKey: z.string().min(1).optional(),
    /** When set, any other model gets the format's 404; by default every model is accepted. */
    allowedModels: z.array(z.string().min(1)).min(1).optional(),
    /** Per-model overrides of the global behaviour, keyed by the model id clients send. */
    models: z.record(z.string().min(1), modelBehaviourSchema.partial()).default({}),
    /** Seeds latency sampling and fault injection so a chaos run can be replayed; `Math.random` when absent. */
    seed: z.number().int().optional(),
  })
  .strict();
export type SimConfig = z.infer<typeof simConfigSchema>;
export type SimConfigInput = z.input<typeof simConfigSchema>;

export function parseSimConfig(input: unknown): SimConfig {
  return simConfigSchema.parse(input ?? {});
}

const BEHAVIOUR_KEYS = Object.keys(modelBehaviourSchema.shape) as (keyof ModelBehaviour)[];

/** The behaviour a request for `model` gets: the global values with the model's overrides on top. */
export function resolveModelBehaviour(config: SimConfig, model: string): ModelBehaviour {
  const resolved: Record<string, unknown> = {};
  const override = Object.hasOwn(config.models, model) ? config.models[model] : undefined;
  for (const key of BEHAVIOUR_KEYS) {
    const value = override?.[key] ?? config[key];
    if (value !== undefined) resolved[key] = value;
  }
  return resolved as ModelBehaviour;
}
