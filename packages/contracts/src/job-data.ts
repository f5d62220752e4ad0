import { z } from "zod";
import { chatRequestSchema } from "./chat-request.js";
import { classificationSchema } from "./classification.js";

/** A job in a tier queue: a classified request waiting for the dispatcher. */
export const tierJobDataSchema = z.object({
  requestId: z.string(),
  request: chatRequestSchema,
  classification: classificationSchema,
  acceptedAtMs: z.number().int(),
});
export type TierJobData = z.infer<typeof tierJobDataSchema>;

/** A job in a deployment queue: a request bound to one deployment, waiting for a provider worker. */
export const deploymentJobDataSchema = z.object({
  requestId: z.string(),
  deploymentId: z.string(),
  /** The hop number this job records when it ends. */
  hop: z.number().int().positive(),
  request: chatRequestSchema,
  classification: classificationSchema,
  acceptedAtMs: z.number().int(),
});
export type DeploymentJobData = z.infer<typeof deploymentJobDataSchema>;
