import { z } from "zod";

/**
 * The part of Gemini's `GenerateContentRequest` the simulator reads. The top level is closed, as the real
 * proto-JSON parser is (an unknown name is a 400); nested objects pass unknown fields. Keys may be camelCase
 * or snake_case, as proto JSON allows: `normalizeGeminiKeys` maps the ones read to camelCase first.
 */
const partSchema = z.looseObject({
  text: z.string().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.unknown().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown().optional() }).optional(),
  inlineData: z.unknown().optional(),
});
export type GeminiPart = z.infer<typeof partSchema>;

export const geminiContentSchema = z.looseObject({
  role: z.enum(["user", "model"], { message: "Please use a valid role: user, model." }).optional(),
  parts: z.array(partSchema),
});
export type GeminiContent = z.infer<typeof geminiContentSchema>;

const functionDeclarationSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.unknown().optional(),
  parametersJsonSchema: z.unknown().optional(),
});

export const generateContentRequestSchema = z
  .object({
    contents: z.array(geminiContentSchema),
    systemInstruction: geminiContentSchema.optional(),
    generationConfig: z
      .looseObject({
        maxOutputTokens: z.number().int().positive().optional(),
        stopSequences: z.array(z.string()).max(5).optional(),
        candidateCount: z.number().int().min(1).max(8).optional(),
        temperature: z.number().min(0).max(2).optional(),
        topP: z.number().min(0).max(1).optional(),
        topK: z.number().int().positive().optional(),
      })
      .optional(),
    tools: z.array(z.looseObject({ functionDeclarations: z.array(functionDeclarationSchema).optional() })).optional(),
    toolConfig: z
      .looseObject({
        functionCallingConfig: z
          .looseObject({
            mode: z.enum(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]).optional(),
            allowedFunctionNames: z.array(z.string()).optional(),
          })
          .optional(),
      })
      .optional(),
    safetySettings: z.array(z.unknown()).optional(),
    cachedContent: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    model: z.string().optional(),
  })
  .strict();
export type GenerateContentRequest = z.infer<typeof generateContentRequestSchema>;

const snakeToCamel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** snake_case → camelCase for the keys the simulator reads (never inside schemas or arguments). */
export function normalizeGeminiKeys(json: unknown): unknown {
  if (!isRecord(json)) return json;
  const body = camelKeys(json);
  if (isRecord(body.generationConfig)) body.generationConfig = camelKeys(body.generationConfig);
  if (isRecord(body.toolConfig)) {
    const toolConfig = camelKeys(body.toolConfig);
    if (isRecord(toolConfig.functionCallingConfig)) toolConfig.functionCallingConfig = camelKeys(toolConfig.functionCallingConfig);
    body.toolConfig = toolConfig;
  }
  if (Array.isArray(body.tools)) body.tools = body.tools.map((tool) => (isRecord(tool) ? camelKeys(tool) : tool));
  return body;
}

function camelKeys(record: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) result[snakeToCamel(key)] = value;
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Google's error body: `status` is the canonical code name clients branch on, with typed `details`. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}
