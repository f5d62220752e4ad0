import { z } from "zod";
import { geminiSchemaSchema } from "./gemini-schema.js";

/**
 * The parts of Gemini's `GenerateContentRequest` (REST, v1beta) that Switchyard writes and reads. Objects are strict:
 * a Gemini-format request using a feature Switchyard cannot carry to other providers (safetySettings, topK,
 * code execution, thinkingConfig, cachedContent, ...) is refused with the field's name instead of being half-served.
 */
const blobSchema = z.object({ mimeType: z.string().min(1), data: z.string() }).strict();
const fileDataSchema = z.object({ mimeType: z.string().min(1).optional(), fileUri: z.string().min(1) }).strict();

const jsonObjectSchema = z.record(z.string(), z.unknown());

export const geminiFunctionCallSchema = z
  .object({ id: z.string().optional(), name: z.string().min(1), args: jsonObjectSchema.optional() })
  .strict();
export type GeminiFunctionCall = z.infer<typeof geminiFunctionCallSchema>;

export const geminiFunctionResponseSchema = z
  .object({ id: z.string().optional(), name: z.string().min(1), response: jsonObjectSchema })
  .strict();
export type GeminiFunctionResponse = z.infer<typeof geminiFunctionResponseSchema>;

/** One part: exactly one of the data fields (the API calls this a oneof). */
export const geminiPartSchema = z
  .object({
    text: z.string().optional(),
    inlineData: blobSchema.optional(),
    fileData: fileDataSchema.optional(),
    functionCall: geminiFunctionCallSchema.optional(),
    functionResponse: geminiFunctionResponseSchema.optional(),
    /** Opaque; Switchyard only ever sends the placeholder (see gemini-thought-signature.ts). */
    thoughtSignature: z.string().optional(),
  })
  .strict()
  .refine(
    (part) =>
      [part.text, part.inlineData, part.fileData, part.functionCall, part.functionResponse].filter((field) => field !== undefined)
        .length === 1,
    "a part has exactly one of text, inlineData, fileData, functionCall, functionResponse",
  );
export type GeminiPart = z.infer<typeof geminiPartSchema>;

export const geminiRoleSchema = z.enum(["user", "model"]);
export type GeminiRole = z.infer<typeof geminiRoleSchema>;

export const geminiContentSchema = z.object({ role: geminiRoleSchema, parts: z.array(geminiPartSchema).min(1) }).strict();
export type GeminiContent = z.infer<typeof geminiContentSchema>;

export const geminiSystemInstructionSchema = z
  .object({ role: z.string().optional(), parts: z.array(z.object({ text: z.string() }).strict()).min(1) })
  .strict();
export type GeminiSystemInstruction = z.infer<typeof geminiSystemInstructionSchema>;

export const geminiFunctionDeclarationSchema = z
  .object({ name: z.string().min(1), description: z.string().optional(), parameters: geminiSchemaSchema.optional() })
  .strict();
export type GeminiFunctionDeclaration = z.infer<typeof geminiFunctionDeclarationSchema>;

export const geminiToolSchema = z.object({ functionDeclarations: z.array(geminiFunctionDeclarationSchema).min(1) }).strict();
export type GeminiTool = z.infer<typeof geminiToolSchema>;

export const geminiFunctionCallingModeSchema = z.enum(["AUTO", "ANY", "NONE"]);
export type GeminiFunctionCallingMode = z.infer<typeof geminiFunctionCallingModeSchema>;

export const geminiToolConfigSchema = z
  .object({
    functionCallingConfig: z
      .object({ mode: geminiFunctionCallingModeSchema, allowedFunctionNames: z.array(z.string().min(1)).optional() })
      .strict(),
  })
  .strict();
export type GeminiToolConfig = z.infer<typeof geminiToolConfigSchema>;

export const geminiGenerationConfigSchema = z
  .object({
    temperature: z.number().optional(),
    topP: z.number().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    stopSequences: z.array(z.string()).max(5).optional(),
    seed: z.number().int().optional(),
    responseMimeType: z.string().optional(),
    responseSchema: geminiSchemaSchema.optional(),
  })
  .strict();
export type GeminiGenerationConfig = z.infer<typeof geminiGenerationConfigSchema>;

export const geminiGenerateContentRequestSchema = z
  .object({
    contents: z.array(geminiContentSchema).min(1),
    systemInstruction: geminiSystemInstructionSchema.optional(),
    tools: z.array(geminiToolSchema).optional(),
    toolConfig: geminiToolConfigSchema.optional(),
    generationConfig: geminiGenerationConfigSchema.optional(),
  })
  .strict();
export type GeminiGenerateContentRequest = z.infer<typeof geminiGenerateContentRequestSchema>;
