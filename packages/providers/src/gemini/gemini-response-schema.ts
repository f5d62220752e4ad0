import { z } from "zod";

/**
 * The parts of Gemini's `GenerateContentResponse` that Switchyard reads; a streamed chunk has the same shape. Lenient
 * where Gemini leaves fields out: proto3 JSON omits zero counts and empty lists, a blocked prompt has no candidates,
 * a candidate stopped by a safety filter (or by MAX_TOKENS spent on thinking) may have no content or no parts. Part
 * kinds Switchyard never asks for (code execution, generated images) are not read.
 */
export const geminiResponsePartSchema = z.object({
  text: z.string().nullish(),
  /** A summary of the model's thinking (only when asked for with includeThoughts); not part of the answer. */
  thought: z.boolean().nullish(),
  functionCall: z
    .object({ id: z.string().nullish(), name: z.string().min(1), args: z.record(z.string(), z.unknown()).nullish() })
    .nullish(),
});
export type GeminiResponsePart = z.infer<typeof geminiResponsePartSchema>;

export const geminiCandidateSchema = z.object({
  content: z.object({ parts: z.array(geminiResponsePartSchema).nullish() }).nullish(),
  finishReason: z.string().nullish(),
});
export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;

const tokenCountSchema = z.number().int().nonnegative().nullish();

export const geminiUsageMetadataSchema = z.object({
  /** Includes the cached tokens. */
  promptTokenCount: tokenCountSchema,
  /** Excludes the thinking tokens. */
  candidatesTokenCount: tokenCountSchema,
  cachedContentTokenCount: tokenCountSchema,
  thoughtsTokenCount: tokenCountSchema,
});
export type GeminiUsageMetadata = z.infer<typeof geminiUsageMetadataSchema>;

export const geminiResponseSchema = z.object({
  candidates: z.array(geminiCandidateSchema).nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: geminiUsageMetadataSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;

/**
 * Google's error body (google.rpc.Status as JSON): `code` is the HTTP status, `status` the canonical code name,
 * `details` typed messages named by `@type`. Some Google front ends wrap it in a one-element array.
 */
export const geminiErrorObjectSchema = z.object({
  code: z.number().int().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
  details: z.array(z.record(z.string(), z.unknown())).nullish(),
});
export type GeminiErrorObject = z.infer<typeof geminiErrorObjectSchema>;

const errorBodySchema = z.object({ error: geminiErrorObjectSchema });
export const geminiErrorBodySchema = z.union([errorBodySchema, z.tuple([errorBodySchema]).transform(([body]) => body)]);
export type GeminiErrorBody = z.infer<typeof geminiErrorBodySchema>;
