import { chatRequestSchema, type ChatMessage, type ChatRequest, type ResponseFormat, type ToolChoice } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";
import { GEMINI_CONVERSION_CONTEXT, geminiConversionError } from "./gemini-conversion-error.js";
import {
  geminiGenerateContentRequestSchema,
  type GeminiGenerationConfig,
  type GeminiSystemInstruction,
  type GeminiToolConfig,
} from "./gemini-request-schema.js";
import { convertFromGeminiContents } from "./convert-from-gemini-contents.js";
import { convertGeminiSchemaToJsonSchema } from "./convert-gemini-schema-to-json-schema.js";

export interface ConvertFromGeminiRequestOptions {
  /** The model named in the URL (`models/{model}:generateContent`), kept as the canonical request's routing hint. */
  model?: string;
  context?: ProviderErrorContext;
}

/**
 * A Gemini `GenerateContentRequest` body (as a Gemini-format client sends it) → Switchyard's canonical request, the
 * inverse of `convertToGeminiRequest`. The body is validated first; fields Switchyard cannot carry to every provider
 * (safetySettings, topK, candidateCount, thinkingConfig, cachedContent, built-in tools, ...) are refused by name
 * rather than ignored, and so is anything the canonical request cannot hold (more than 4 stop sequences, several
 * allowed functions, a non-image file). The result is checked against the canonical schema before it is returned.
 *
 * A JSON response schema comes back as `json_schema` named "response": Gemini's request has no name for it.
 */
export function convertFromGeminiRequest(body: unknown, options: ConvertFromGeminiRequestOptions = {}): ChatRequest {
  const context = options.context ?? GEMINI_CONVERSION_CONTEXT;
  const parsed = geminiGenerateContentRequestSchema.safeParse(body);
  if (!parsed.success) throw geminiConversionError(`the Gemini request is not supported: ${describeIssue(parsed.error.issues[0])}`, context);
  const gemini = parsed.data;

  const request: ChatRequest = {
    messages: [...convertSystemInstruction(gemini.systemInstruction), ...convertFromGeminiContents(gemini.contents, context)],
  };
  if (options.model !== undefined) request.model = options.model;
  Object.assign(request, convertGenerationConfig(gemini.generationConfig ?? {}, context));
  const declarations = (gemini.tools ?? []).flatMap((tool) => tool.functionDeclarations);
  if (declarations.length > 0) {
    request.tools = declarations.map((declaration) => ({
      type: "function",
      function: {
        name: declaration.name,
        ...(declaration.description === undefined ? {} : { description: declaration.description }),
        ...(declaration.parameters === undefined ? {} : { parameters: convertGeminiSchemaToJsonSchema(declaration.parameters) }),
      },
    }));
  }
  const toolChoice = convertToolConfig(gemini.toolConfig, context);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;

  const checked = chatRequestSchema.safeParse(request);
  if (!checked.success) throw geminiConversionError(`the Gemini request cannot be carried: ${describeIssue(checked.error.issues[0])}`, context);
  return checked.data;
}

function convertSystemInstruction(instruction: GeminiSystemInstruction | undefined): ChatMessage[] {
  if (instruction === undefined) return [];
  const [first, ...rest] = instruction.parts;
  if (first === undefined) return [];
  if (rest.length === 0) return [{ role: "system", content: first.text }];
  return [{ role: "system", content: instruction.parts.map((part) => ({ type: "text", text: part.text })) }];
}

function convertGenerationConfig(config: GeminiGenerationConfig, context: ProviderErrorContext): Partial<ChatRequest> {
  const request: Partial<ChatRequest> = {};
  if (config.temperature !== undefined) request.temperature = config.temperature;
  if (config.topP !== undefined) request.top_p = config.topP;
  if (config.maxOutputTokens !== undefined) request.max_tokens = config.maxOutputTokens;
  if (config.stopSequences !== undefined) request.stop = config.stopSequences;
  if (config.seed !== undefined) request.seed = config.seed;
  const responseFormat = convertResponseFormat(config, context);
  if (responseFormat !== undefined) request.response_format = responseFormat;
  return request;
}

function convertResponseFormat(config: GeminiGenerationConfig, context: ProviderErrorContext): ResponseFormat | undefined {
  const mimeType = config.responseMimeType;
  if (mimeType === undefined || mimeType === "text/plain") {
    if (config.responseSchema !== undefined) throw geminiConversionError("generationConfig.responseSchema needs responseMimeType application/json", context);
    return undefined;
  }
  if (mimeType !== "application/json") throw geminiConversionError(`generationConfig.responseMimeType ${mimeType} is not supported`, context);
  if (config.responseSchema === undefined) return { type: "json_object" };
  return { type: "json_schema", json_schema: { name: "response", schema: convertGeminiSchemaToJsonSchema(config.responseSchema) } };
}

function convertToolConfig(config: GeminiToolConfig | undefined, context: ProviderErrorContext): ToolChoice | undefined {
  if (config === undefined) return undefined;
  const { mode, allowedFunctionNames = [] } = config.functionCallingConfig;
  if (mode === "ANY") {
    if (allowedFunctionNames.length === 0) return "required";
    const [name, ...others] = allowedFunctionNames;
    if (name !== undefined && others.length === 0) return { type: "function", function: { name } };
    throw geminiConversionError("toolConfig allows several named functions; only one, or all, can be required", context);
  }
  if (allowedFunctionNames.length > 0) throw geminiConversionError(`toolConfig.allowedFunctionNames needs mode ANY, not ${mode}`, context);
  return mode === "AUTO" ? "auto" : "none";
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (issue === undefined) return "invalid";
  const path = issue.path.map(String).join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}
