import { z } from "zod";

/** The types Gemini's `Schema` knows (an OpenAPI 3.0 subset), written upper-case as the REST reference does. */
export const GEMINI_SCHEMA_TYPES = ["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT"] as const;
export type GeminiSchemaType = (typeof GEMINI_SCHEMA_TYPES)[number];

/**
 * Gemini's `Schema` object, used by `generationConfig.responseSchema` and by function declarations' `parameters`.
 * Counts are int64 in the API, which proto-JSON may write as strings ("1"); both forms are read.
 */
export interface GeminiSchema {
  type?: GeminiSchemaType;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  /** Gemini's own hint for the order properties are generated in; JSON Schema has no equivalent. */
  propertyOrdering?: string[];
  items?: GeminiSchema;
  anyOf?: GeminiSchema[];
  minItems?: number | string;
  maxItems?: number | string;
  minLength?: number | string;
  maxLength?: number | string;
  minProperties?: number | string;
  maxProperties?: number | string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

const countSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]);

export const geminiSchemaSchema: z.ZodType<GeminiSchema> = z.lazy(() =>
  z
    .object({
      // The API accepts the lower-case spelling too; it is read as the upper-case one.
      type: z
        .string()
        .transform((type) => type.toUpperCase())
        .pipe(z.enum(GEMINI_SCHEMA_TYPES))
        .optional(),
      format: z.string().optional(),
      title: z.string().optional(),
      description: z.string().optional(),
      nullable: z.boolean().optional(),
      enum: z.array(z.string()).optional(),
      properties: z.record(z.string(), geminiSchemaSchema).optional(),
      required: z.array(z.string()).optional(),
      propertyOrdering: z.array(z.string()).optional(),
      items: geminiSchemaSchema.optional(),
      anyOf: z.array(geminiSchemaSchema).min(1).optional(),
      minItems: countSchema.optional(),
      maxItems: countSchema.optional(),
      minLength: countSchema.optional(),
      maxLength: countSchema.optional(),
      minProperties: countSchema.optional(),
      maxProperties: countSchema.optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      pattern: z.string().optional(),
    })
    .strict(),
);
