import { z } from "zod";
import { tierSchema } from "./tier.js";
import { classificationSchema } from "./classification.js";
import { chatResultSchema, tokenUsageSchema } from "./chat-result.js";
import { providerErrorKindSchema } from "./provider-error.js";
import { clientFormatSchema } from "./client-format.js";

/**
 * `queued_for_retry`: every deployment and the cache failed; the request waits in the retry queue (with the
 * reason in `retry`) until its next round or its deadline. `cancelled`: its owner cancelled it (terminal).
 */
export const REQUEST_STATUSES = ["queued", "dispatched", "running", "queued_for_retry", "succeeded", "failed", "cancelled"] as const;
export const requestStatusSchema = z.enum(REQUEST_STATUSES);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

/** Keep in step with the `terminal` checks in packages/queue/lua/*-request-*.lua. */
export const TERMINAL_STATUSES: readonly RequestStatus[] = ["succeeded", "failed", "cancelled"];
export function isTerminalStatus(status: RequestStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Why a request failed, in a shape callers can branch on. */
export const requestErrorSchema = z.object({
  /** A provider error kind, or one of Switchyard's own codes. */
  code: z.union([
    providerErrorKindSchema,
    z.enum([
      "no_eligible_deployment",
      "circuit_open",
      "no_capacity",
      "deadline_exceeded",
      "stalled",
      "invalid_job",
      "internal",
      // Its owner cancelled it (or the caller of a drop-in endpoint went away); the message says which.
      "cancelled",
      // A streamed answer's worker was lost after part of the answer was sent: it cannot be resumed or restarted.
      "stream_interrupted",
    ]),
  ]),
  message: z.string(),
  deploymentId: z.string().optional(),
  httpStatus: z.number().int().optional(),
});
export type RequestError = z.infer<typeof requestErrorSchema>;

/** One step of a request's journey: a job in a named queue and how it ended. */
export const hopSchema = z.object({
  n: z.number().int().positive(),
  stage: z.enum(["dispatch", "provider", "cache", "retry"]),
  queue: z.string(),
  jobId: z.string(),
  deploymentId: z.string().optional(),
  attempt: z.number().int().positive(),
  outcome: z.enum(["ok", "error"]),
  startedAtMs: z.number().int(),
  durationMs: z.number().nonnegative(),
  error: requestErrorSchema.optional(),
  /** Free-form reason, e.g. the dispatcher's scoring summary. */
  note: z.string().optional(),
});
export type Hop = z.infer<typeof hopSchema>;

/** A request was shortened to fit the deployment's context window (whole oldest turns dropped). */
export const truncationSchema = z.object({
  deploymentId: z.string(),
  droppedMessages: z.number().int().positive(),
  inputTokensBefore: z.number().int().nonnegative(),
  inputTokensAfter: z.number().int().nonnegative(),
});
export type TruncationRecord = z.infer<typeof truncationSchema>;

/** Why a request waits in the retry queue, and when it runs again. */
export const retryStateSchema = z.object({
  round: z.number().int().positive(),
  reason: z.string(),
  nextAttemptAtMs: z.number().int(),
});
export type RetryState = z.infer<typeof retryStateSchema>;

export const requestRecordSchema = z.object({
  id: z.string(),
  status: requestStatusSchema,
  tenant: z.string(),
  tier: tierSchema,
  /** The format the client submitted in, and reads its response in. */
  clientFormat: clientFormatSchema.default("openai"),
  classification: classificationSchema,
  deploymentId: z.string().optional(),
  createdAtMs: z.number().int(),
  updatedAtMs: z.number().int(),
  finishedAtMs: z.number().int().optional(),
  hops: z.array(hopSchema),
  result: chatResultSchema.optional(),
  usage: tokenUsageSchema.optional(),
  costUsd: z.number().nonnegative().optional(),
  error: requestErrorSchema.optional(),
  truncation: truncationSchema.optional(),
  retry: retryStateSchema.optional(),
  /** The result came from the response cache (`result` is a copy of an earlier answer). */
  servedFromCache: z.boolean().optional(),
});
export type RequestRecord = z.infer<typeof requestRecordSchema>;
