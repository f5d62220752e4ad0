import { z } from "zod";
import { tierSchema } from "./tier.js";
import { urgencySchema } from "./chat-request.js";

export const COMPLEXITIES = ["low", "medium", "high"] as const;
export const complexitySchema = z.enum(COMPLEXITIES);
export type Complexity = z.infer<typeof complexitySchema>;

export const DOMAINS = ["code", "legal", "medical", "financial", "creative", "data-extraction", "math", "general"] as const;
export const domainSchema = z.enum(DOMAINS);
export type Domain = z.infer<typeof domainSchema>;

export const PII_KINDS = ["email", "phone", "card", "national_id", "iban", "api_key"] as const;
export const piiKindSchema = z.enum(PII_KINDS);
export type PiiKind = z.infer<typeof piiKindSchema>;

export const classificationSchema = z.object({
  complexity: complexitySchema,
  /** Which complexity signals matched: multiStep, reasoning, creative, factual, long. */
  signals: z.array(z.string()),
  domain: domainSchema,
  estimatedInputTokens: z.number().int().nonnegative(),
  containsPii: z.boolean(),
  piiKinds: z.array(piiKindSchema),
  urgency: urgencySchema,
  tier: tierSchema,
});
export type Classification = z.infer<typeof classificationSchema>;
