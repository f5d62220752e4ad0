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

/**
 * The statuses the simulator can inject. Every wire format answers the status as given, with the body its
 * provider sends for that condition (see README: "Injected statuses per format").
 */
export const SIM_ERROR_STATUSES = [400, 401, 403, 404, 413, 429, 500, 503, 504, 529] as const;
export const simErrorStatusSchema = z.literal(SIM_ERROR_STATUSES);
export type SimErrorStatus = z.infer<typeof simErrorStatusSchema>;

/** A window, relative to the simulator's start (or last reset), in which every request gets `status`. */
export const outageSchema = z
  .object({
    fromMs: z.number().int().nonnegative(),
    toMs: z.number().int().positive(),
    status: simErrorStatusSchema,
  })
  .strict()
  .refine((outage) => outage.toMs > outage.fromMs, { message: "toMs must be > fromMs", path: ["toMs"] });
export type Outage = z.infer<typeof outageSchema>;

const rate = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();

/** What a model does: the global defaults, optionally overridden per model id. */
export const modelBehaviourSchema = z
  .object({
    latency: latencySchema,
    /** Share of requests, 0..1, answered with `errorStatus` instead of a completion. */
    errorRate: rate,
    errorStatus: simErrorStatusSchema,
    /** The wait injected 429s ask for (`retry-after-ms` / `retry-after`, Gemini's RetryInfo), and Anthropic's 529s. */
    retryAfterMs: z.number().int().nonnegative(),
    /** Injected 429s are the out-of-quota kind (OpenAI `insufficient_quota`, ...), not the slow-down kind. */
    quotaExhausted: z.boolean(),

    /** Requests per `limitWindowMs` for each model id; over it → 429. Unset: not enforced. */
    rpm: positiveInt.optional(),
    /** Tokens per `limitWindowMs` (prompt + requested output, see README); over it → 429. */
    tpm: positiveInt.optional(),
    /** Requests of one model in flight at once; over it → 429. */
    maxConcurrent: positiveInt.optional(),
    /** The rate-limit window: 60 000 makes rpm/tpm per minute; tests shorten it to keep waits short. */
    limitWindowMs: positiveInt,

    /** Prompts over this many tokens get the format's context-length 400. Unset: no limit. */
    contextWindowTokens: positiveInt.optional(),
    /** A last user message containing this (case-insensitive) is filtered: content_filter / refusal / SAFETY. */
    contentFilterPhrase: z.string().min(1).optional(),
    /**
     * A filtered prompt is rejected with the provider's error where it has one: OpenAI's 400 `invalid_prompt`
     * ("your prompt was flagged") instead of a 200 with `finish_reason: "content_filter"`. Gemini always blocks
     * the prompt (`promptFeedback.blockReason`) and Anthropic has no such error (`stop_reason: "refusal"`).
     */
    contentFilterRejectsPrompt: z.boolean(),

    /** Scheduled outages, relative to the simulator's start or last reset. */
    outages: z.array(outageSchema),
    /** Absolute epoch milliseconds: until then every request gets `downStatus`. */
    downUntilMs: z.number().int().nonnegative().optional(),
    downStatus: simErrorStatusSchema,

    /** Share of successful answers whose body is trickled over `slowBodyMs` after the headers. */
    slowBodyRate: rate,
    slowBodyMs: z.number().int().nonnegative(),
    /** Share of successful answers cut after the headers and half the body (the socket is destroyed). */
    partialBodyRate: rate,
    /** Share of successful answers sent as a 200 whose body is not JSON (one broken event when streaming). */
    invalidJsonRate: rate,
  })
  .strict();
export type ModelBehaviour = z.infer<typeof modelBehaviourSchema>;

/** Every default in one place; the optional knobs are off when absent. */
export const DEFAULT_MODEL_BEHAVIOUR: ModelBehaviour = {
  latency: { kind: "fixed", ms: 0 },
  errorRate: 0,
  errorStatus: 500,
  retryAfterMs: 1000,
  quotaExhausted: false,
  contentFilterRejectsPrompt: false,
  limitWindowMs: 60_000,
  outages: [],
  downStatus: 503,
  slowBodyRate: 0,
  slowBodyMs: 2_000,
  partialBodyRate: 0,
  invalidJsonRate: 0,
};

/** The status a scheduled outage or `downUntilMs` imposes right now, if any. */
export function outageStatusAt(behaviour: ModelBehaviour, elapsedMs: number, nowMs: number): SimErrorStatus | undefined {
  if (behaviour.downUntilMs !== undefined && nowMs < behaviour.downUntilMs) return behaviour.downStatus;
  for (const outage of behaviour.outages) {
    if (elapsedMs >= outage.fromMs && elapsedMs < outage.toMs) return outage.status;
  }
  return undefined;
}
