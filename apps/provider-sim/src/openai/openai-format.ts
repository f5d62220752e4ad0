import { randomUUID } from "node:crypto";
import { countJsonTokens, countPromptTokens } from "../token-count.js";
import type { SimTurn, ToolChoice } from "../generation/sim-turn.js";
import type { ParseResult, WireFormat } from "../generation/wire-format.js";
import { checkApiKey } from "./check-api-key.js";
import { OPENAI_ERRORS, invalidRequestError } from "./openai-errors.js";
import { openAiFaultAnswer } from "./openai-fault-answer.js";
import { openAiRateLimitHeaders } from "./openai-rate-limit-headers.js";
import { openAiCompletionBody } from "./openai-completion-body.js";
import { openAiStream, serializeOpenAiStream } from "./openai-stream.js";
import { chatCompletionRequestSchema, type ChatCompletionRequest, type WireMessage } from "./openai-wire-schema.js";

/** `POST /v1/chat/completions` in OpenAI's wire format. */
export const OPENAI_CHAT_FORMAT: WireFormat<ChatCompletionRequest> = {
  checkHeaders: (request, requiredKey) => {
    const body = checkApiKey(request, requiredKey);
    return body ? { status: 401, body } : undefined;
  },
  parse: parseChatRequest,
  renderFault: openAiFaultAnswer,
  rejectFilteredPrompt: () => ({ status: 400, body: OPENAI_ERRORS.flaggedPrompt() }),
  requestHeaders: () => ({ "x-request-id": `req_${randomUUID().replaceAll("-", "")}` }),
  rateLimitHeaders: openAiRateLimitHeaders,
  processingHeaders: (latencyMs) => ({ "openai-processing-ms": String(latencyMs) }),
  jsonContentType: "application/json",
  renderBody: openAiCompletionBody,
  renderStream: openAiStream,
  serializeStream: serializeOpenAiStream,
};

function parseChatRequest(json: unknown): ParseResult<ChatCompletionRequest> {
  const parsed = chatCompletionRequestSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) return { ok: false, error: { status: 400, body: invalidRequestError(parsed.error.issues[0]) }, model: modelOf(json) };
  const wire = parsed.data;
  const messages = wire.messages;
  const tools = (wire.tools ?? []).map((tool) => ({ name: tool.function.name, inputSchema: tool.function.parameters ?? {} }));
  const turn: SimTurn = {
    model: wire.model,
    lastUserText: lastUserText(messages),
    endsWithUserText: messages.at(-1)?.role === "user",
    promptTokens: countPromptTokens(messages) + (wire.tools ? countJsonTokens(wire.tools) : 0),
    maxOutputTokens: wire.max_completion_tokens ?? wire.max_tokens ?? undefined,
    stop: typeof wire.stop === "string" ? [wire.stop] : (wire.stop ?? undefined),
    choiceCount: wire.n ?? 1,
    tools,
    toolChoice: toolChoiceOf(wire.tool_choice),
    stream: wire.stream === true,
  };
  return { ok: true, wire, turn };
}

function toolChoiceOf(choice: ChatCompletionRequest["tool_choice"]): ToolChoice {
  if (choice === undefined || choice === "auto") return { mode: "auto" };
  if (choice === "none") return { mode: "none" };
  if (choice === "required") return { mode: "any" };
  return { mode: "tool", name: choice.function.name };
}

/** The text of the last user message (the last message of any role when there is none). */
function lastUserText(messages: readonly WireMessage[]): string {
  const message = messages.findLast((candidate) => candidate.role === "user") ?? messages.at(-1);
  const content = message?.content;
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => part.text ?? "").join("\n");
}

function modelOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !("model" in json)) return undefined;
  return typeof json.model === "string" && json.model !== "" ? json.model : undefined;
}
