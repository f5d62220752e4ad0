import type { IncomingMessage } from "node:http";
import { countJsonTokens, countPromptTokens, type CountableMessage } from "../token-count.js";
import type { SimTool, ToolChoice } from "../generation/sim-turn.js";
import type { ErrorAnswer, ParseResult, WireFormat } from "../generation/wire-format.js";
import { GEMINI_KEY_ERRORS, geminiFaultAnswer } from "./gemini-errors.js";
import { geminiResponseBody } from "./gemini-response-body.js";
import type { GeminiRoute } from "./gemini-route.js";
import { geminiStream, serializeGeminiStream } from "./gemini-stream.js";
import { contentsProblem, geminiIssueAnswer } from "./gemini-validation.js";
import {
  generateContentRequestSchema,
  normalizeGeminiKeys,
  type GeminiContent,
  type GenerateContentRequest,
} from "./gemini-wire-schema.js";

/**
 * `generateContent` / `streamGenerateContent` in the Gemini API's wire format. Built per request because the
 * model, the stream flag and the key come from the URL. Gemini sends no rate-limit headers.
 */
export function geminiFormat(route: GeminiRoute): WireFormat<GenerateContentRequest> {
  return {
    checkHeaders: (request, requiredKey) => checkKey(request, route, requiredKey),
    parse: (json) => parseGenerateContent(json, route),
    renderFault: (fault) => geminiFaultAnswer(fault, route.apiVersion),
    requestHeaders: () => ({}),
    rateLimitHeaders: () => ({}),
    processingHeaders: (latencyMs) => ({ "server-timing": `gfet4t7; dur=${latencyMs}` }),
    jsonContentType: "application/json; charset=UTF-8",
    renderBody: (exchange) => geminiResponseBody(exchange),
    renderStream: (exchange) => geminiStream(exchange, route.sse),
    serializeStream: (events) => serializeGeminiStream(events, route.sse),
  };
}

function checkKey(request: IncomingMessage, route: GeminiRoute, requiredKey: string | undefined): ErrorAnswer | undefined {
  if (requiredKey === undefined) return undefined;
  const header = request.headers["x-goog-api-key"];
  const key = typeof header === "string" ? header : route.queryKey;
  if (key === undefined || key === "") return GEMINI_KEY_ERRORS.missing();
  return key === requiredKey ? undefined : GEMINI_KEY_ERRORS.invalid();
}

function parseGenerateContent(json: unknown, route: GeminiRoute): ParseResult<GenerateContentRequest> {
  const parsed = generateContentRequestSchema.safeParse(normalizeGeminiKeys(json), { reportInput: true });
  if (!parsed.success) return { ok: false, error: geminiIssueAnswer(parsed.error.issues[0]), model: route.model };
  const wire = parsed.data;
  const problem = contentsProblem(wire.contents);
  if (problem) return { ok: false, error: problem, model: route.model };

  const contents = wire.contents;
  const last = contents.at(-1);
  const lastUser = contents.findLast((content) => (content.role ?? "user") === "user");
  const declarations = (wire.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  const tools: SimTool[] = declarations.map((declaration) => ({
    name: declaration.name,
    inputSchema: declaration.parameters ?? declaration.parametersJsonSchema ?? {},
  }));
  const countable: CountableMessage[] = contents.map(countableOf);
  if (wire.systemInstruction) countable.push(countableOf(wire.systemInstruction));
  const config = wire.generationConfig;
  return {
    ok: true,
    wire,
    turn: {
      model: route.model,
      lastUserText: lastUser ? textOf(lastUser) : "",
      endsWithUserText: last !== undefined && isUserText(last),
      promptTokens: countPromptTokens(countable) + (wire.tools ? countJsonTokens(wire.tools) : 0),
      maxOutputTokens: config?.maxOutputTokens,
      stop: config?.stopSequences,
      choiceCount: config?.candidateCount ?? 1,
      tools,
      toolChoice: toolChoiceOf(wire),
      stream: route.stream,
    },
  };
}

function toolChoiceOf(wire: GenerateContentRequest): ToolChoice {
  const config = wire.toolConfig?.functionCallingConfig;
  if (config?.mode === "NONE") return { mode: "none" };
  if (config?.mode === "ANY") {
    const allowed = config.allowedFunctionNames ?? [];
    return allowed.length === 1 && allowed[0] !== undefined ? { mode: "tool", name: allowed[0] } : { mode: "any" };
  }
  return { mode: "auto" };
}

/** A user turn with text, not a function response: the tool rule may fire on it. */
function isUserText(content: GeminiContent): boolean {
  return (content.role ?? "user") === "user" && !content.parts.some((part) => part.functionResponse) && textOf(content) !== "";
}

function textOf(content: GeminiContent): string {
  return content.parts
    .filter((part) => part.text !== undefined)
    .map((part) => part.text)
    .join("\n");
}

function countableOf(content: GeminiContent): CountableMessage {
  return {
    content: content.parts.map((part) => {
      if (part.text !== undefined) return { type: "text", text: part.text };
      if (part.functionCall) return { type: "text", text: JSON.stringify(part.functionCall) };
      if (part.functionResponse) return { type: "text", text: JSON.stringify(part.functionResponse) };
      return { type: "inline_data" }; // counted at a fixed estimate: the simulator never looks at media
    }),
  };
}
