import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiConversionError } from "./gemini-conversion-error.js";
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiToolConfig,
} from "./gemini-request-schema.js";
import { convertToGeminiContents } from "./convert-to-gemini-contents.js";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.js";
import { requiresThoughtSignatures } from "./gemini-thought-signature.js";

/**
 * Switchyard's request → the body of Gemini's `models/{model}:generateContent` (and `:streamGenerateContent`, which
 * takes the same body). The model is in the URL, chosen by the deployment; Switchyard's own fields (model hint,
 * metadata, constraints, tenant) stay home, and so does `user`, an end-user id for the provider's abuse monitoring
 * that asks nothing of the answer and that Gemini has no field for. Image `detail` is a resolution hint and is
 * dropped likewise. Everything that shapes the answer is carried or refused with a `bad_request`; see
 * convert-to-gemini-contents.ts for messages and convert-json-schema-to-gemini-schema.ts for schemas.
 *
 * Tool call ids do not survive: Gemini has none. `strict` on a tool is dropped: Gemini has no per-function switch.
 * `json_schema`'s `name`, `description` and `strict` are dropped too: Gemini has no field for the first two and
 * always holds the output to a `responseSchema`.
 */
export function convertToGeminiRequest(request: ChatRequest, deployment: DeploymentConfig): GeminiGenerateContentRequest {
  const context: ProviderErrorContext = { provider: deployment.provider, deploymentId: deployment.id };
  const body: GeminiGenerateContentRequest = {
    ...convertToGeminiContents(request.messages, {
      context,
      placeholderThoughtSignatures: requiresThoughtSignatures(deployment.model),
    }),
    generationConfig: convertGenerationConfig(request, deployment, context),
  };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map((tool, index) => convertTool(tool, index, context)) }];
  }
  const toolConfig = convertToolChoice(request.tool_choice, request.tools ?? [], context);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  return body;
}

function convertGenerationConfig(request: ChatRequest, deployment: DeploymentConfig, context: ProviderErrorContext): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = { maxOutputTokens: request.max_tokens ?? deployment.defaultMaxOutputTokens };
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  // The canonical request allows 4 stop sequences and Gemini 5, so every canonical list fits.
  if (request.stop !== undefined) config.stopSequences = typeof request.stop === "string" ? [request.stop] : [...request.stop];
  if (request.seed !== undefined) config.seed = request.seed;
  Object.assign(config, convertResponseFormat(request.response_format, context));
  return config;
}

function convertResponseFormat(format: ResponseFormat | undefined, context: ProviderErrorContext): GeminiGenerationConfig {
  if (format === undefined || format.type === "text") return {};
  if (format.type === "json_object" || format.json_schema.schema === undefined) return { responseMimeType: "application/json" };
  return {
    responseMimeType: "application/json",
    responseSchema: convertJsonSchemaToGeminiSchema(format.json_schema.schema, context, "response_format.json_schema.schema"),
  };
}

function convertTool(tool: ToolDefinition, index: number, context: ProviderErrorContext): GeminiFunctionDeclaration {
  const declaration: GeminiFunctionDeclaration = { name: tool.function.name };
  if (tool.function.description !== undefined) declaration.description = tool.function.description;
  const parameters = tool.function.parameters;
  // Gemini answers 400 to an OBJECT without properties ("should be non-empty for OBJECT type"); a function that
  // takes nothing is declared without parameters.
  if (parameters !== undefined && !isEmptyObjectSchema(parameters)) {
    declaration.parameters = convertJsonSchemaToGeminiSchema(parameters, context, `tools[${index}].function.parameters`);
  }
  return declaration;
}

function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const properties = schema.properties;
  const hasProperties = typeof properties === "object" && properties !== null && Object.keys(properties).length > 0;
  const onlyClosing = schema.additionalProperties === undefined || schema.additionalProperties === false;
  return schema.type === "object" && !hasProperties && onlyClosing && schema.$ref === undefined && schema.anyOf === undefined;
}

/** `auto` → AUTO, `none` → NONE, `required` → ANY, one named function → ANY limited to that name. */
function convertToolChoice(
  choice: ToolChoice | undefined,
  tools: readonly ToolDefinition[],
  context: ProviderErrorContext,
): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (tools.length === 0) {
    // Without tools, "auto" and "none" already describe what happens; a demand for a call cannot be met.
    if (choice === "auto" || choice === "none") return undefined;
    throw geminiConversionError("tool_choice asks for a tool call, but the request declares no tools", context);
  }
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  const name = choice.function.name;
  if (!tools.some((tool) => tool.function.name === name)) {
    throw geminiConversionError(`tool_choice names "${name}", which is not among the request's tools`, context);
  }
  return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
}
