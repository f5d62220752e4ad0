import { z } from "zod";
import { chatRequestSchema } from "./chat-request.js";
import { classificationSchema } from "./classification.js";
import { requestErrorSchema } from "./request-record.js";

/** A job in a tier queue: a classified request waiting for the dispatcher. */
export const tierJobDataSchema = z.object({
  requestId: z.string(),
  request: chatRequestSchema,
  classification: classificationSchema,
  acceptedAtMs: z.number().int(),
});
export type TierJobData = z.infer<typeof tierJobDataSchema>;

/**
 * Where a request is in its cascade for the current round (a round is one pass from the primary through
 * the fallbacks; the retry queue starts a new one). Carried from hop to hop in the job data, so every
 * decision is a function of the job alone.
 */
export const cascadeStateSchema = z.object({
  /** Deployments still to fall back to, in order; the current one is not among them. */
  fallbacks: z.array(z.string()),
  /** Deployments this round already called or skipped, in order. */
  tried: z.array(z.string()),
  /** Calls already made on the current deployment in this round (this job's call not counted). */
  attemptsOnDeployment: z.number().int().nonnegative(),
  /** Provider calls already made in this round. */
  providerCalls: z.number().int().nonnegative(),
  /** Fallbacks taken in this round. */
  fallbacksTaken: z.number().int().nonnegative(),
  /** Passes through the retry queue so far. */
  retryRounds: z.number().int().nonnegative(),
  /** After this (epoch ms) nothing is retried or fallen back to: the request fails with its history. */
  deadlineAtMs: z.number().int(),
});
export type CascadeState = z.infer<typeof cascadeStateSchema>;

/** A job in a deployment queue: a request bound to one deployment, waiting for a provider worker. */
export const deploymentJobDataSchema = z.object({
  requestId: z.string(),
  deploymentId: z.string(),
  /** The hop number this job records when it ends. */
  hop: z.number().int().positive(),
  request: chatRequestSchema,
  classification: classificationSchema,
  acceptedAtMs: z.number().int(),
  cascade: cascadeStateSchema,
});
export type DeploymentJobData = z.infer<typeof deploymentJobDataSchema>;

/** A job in the cache or the retry stage: every deployment of the round failed, with `lastError` last. */
export const stageJobDataSchema = z.object({
  requestId: z.string(),
  hop: z.number().int().positive(),
  request: chatRequestSchema,
  classification: classificationSchema,
  acceptedAtMs: z.number().int(),
  cascade: cascadeStateSchema,
  lastError: requestErrorSchema,
});
export type StageJobData = z.infer<typeof stageJobDataSchema>;
