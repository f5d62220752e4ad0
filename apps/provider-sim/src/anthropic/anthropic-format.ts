import type { IncomingMessage } from "node:http";
import { countJsonTokens, countPromptTokens, type CountableMessage } from "../token-count.js";
import type { SimTool, ToolChoice } from "../generation/sim-turn.js";
import type { ErrorAnswer, ParseResult, WireFormat } from "../generation/wire-format.js";
import { anthropicError, anthropicFaultAnswer, invalidRequest } from "./anthropic-errors.js";
import { anthropicId } from "./anthropic-ids.js";
import { anthropicMessageBody } from "./anthropic-message-body.js";
import { anthropicRateLimitHeaders } from "./anthropic-rate-limit-headers.js";
import { anthropicStream, serializeAnthropicStream } from "./anthropic-stream.js";
import { anthropicIssueMessage, conversationProblem } from "./anthropic-validation.js";
import {
  anthropicRequestSchema,
  type AnthropicContentBlock,
  type AnthropicMessage,
  type AnthropicRequest,
} from "./anthropic-wire-schema.js";

/** `POST /v1/messages` in Anthropic's wire format. */
export const ANTHROPIC_MESSAGES_FORMAT: WireFormat<AnthropicRequest> = {
  checkHeaders,
  parse: parseMessagesRequest,
  renderFault: anthropicFaultAnswer,
  requestHeaders: () => ({ "request-id": anthropicId("req") }),
  rateLimitHeaders: anthropicRateLimitHeaders,
  processingHeaders: () => ({}),
  jsonContentType: "application/json",
  renderBody: anthropicMessageBody,
  renderStream: anthropicStream,
  serializeStream: serializeAnthropicStream,
};

/** The key (`x-api-key`, or a bearer token) first, then the required `anthropic-version`, as Anthropic does. */
function checkHeaders(request: IncomingMessage, requiredKey: string | undefined): ErrorAnswer | undefined {
  if (requiredKey !== undefined) {
    const header = request.headers["x-api-key"];
    const bearer = request.headers.authorization?.startsWith("Bearer ") ? request.headers.authorization.slice(7).trim() : undefined;
    const key = typeof header === "string" ? header : bearer;
    if (key === undefined) return { status: 401, body: anthropicError("authentication_error", "x-api-key header is required") };
    if (key !== requiredKey) return { status: 401, body: anthropicError("authentication_error", "invalid x-api-key") };
  }
  if (request.headers["anthropic-version"] === undefined) return invalidRequest("anthropic-version: header is required");
  return undefined;
}

function parseMessagesRequest(json: unknown): ParseResult<AnthropicRequest> {
  const parsed = anthropicRequestSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, error: invalidRequest(anthropicIssueMessage(parsed.error.issues[0])), model: modelOf(json) };
  }
  const wire = parsed.data;
  const problem = conversationProblem(wire.messages);
  if (problem !== undefined) return { ok: false, error: invalidRequest(problem), model: wire.model };

  const last = wire.messages.at(-1);
  const lastUser = wire.messages.findLast((message) => message.role === "user");
  const tools: SimTool[] = (wire.tools ?? [])
    .filter((tool) => tool.input_schema !== undefined)
    .map((tool) => ({ name: tool.name, inputSchema: tool.input_schema }));
  const countable: CountableMessage[] = wire.messages.map(countableOf);
  if (wire.system !== undefined) countable.push({ content: wire.system });
  return {
    ok: true,
    wire,
    turn: {
      model: wire.model,
      lastUserText: lastUser ? textOf(lastUser) : "",
      endsWithUserText: last?.role === "user" && !hasToolResult(last) && textOf(last) !== "",
      promptTokens: countPromptTokens(countable) + (wire.tools ? countJsonTokens(wire.tools) : 0),
      maxOutputTokens: wire.max_tokens,
      stop: wire.stop_sequences,
      choiceCount: 1,
      tools,
      toolChoice: toolChoiceOf(wire.tool_choice),
      stream: wire.stream === true,
    },
  };
}

function toolChoiceOf(choice: AnthropicRequest["tool_choice"]): ToolChoice {
  if (choice === undefined || choice.type === "auto") return { mode: "auto" };
  if (choice.type === "none") return { mode: "none" };
  if (choice.type === "any") return { mode: "any" };
  return { mode: "tool", name: choice.name };
}

function textOf(message: AnthropicMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .filter((block) => block.type === "text" && block.text !== undefined)
    .map((block) => block.text)
    .join("\n");
}

function hasToolResult(message: AnthropicMessage): boolean {
  return typeof message.content !== "string" && message.content.some((block) => block.type === "tool_result");
}

/** Text, tool inputs and tool results count as text; images and documents as a fixed estimate. */
function countableOf(message: AnthropicMessage): CountableMessage {
  if (typeof message.content === "string") return { content: message.content };
  return { content: message.content.map(countablePart) };
}

function countablePart(block: AnthropicContentBlock): { type: string; text?: string | undefined } {
  if (block.type === "text") return { type: "text", text: block.text ?? "" };
  if (block.type === "tool_use") return { type: "text", text: JSON.stringify(block.input ?? {}) };
  if (block.type === "tool_result") {
    const content = block.content;
    const text = typeof content === "string" ? content : (content ?? []).map((part) => part.text ?? "").join("\n");
    return { type: "text", text };
  }
  return { type: block.type };
}

function modelOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !("model" in json)) return undefined;
  return typeof json.model === "string" && json.model !== "" ? json.model : undefined;
}
