import type { ChatMessage, ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";

/** The body of OpenAI's `POST /chat/completions`, as Switchyard sends it. */
export interface OpenAiChatRequestBody {
  model: string;
  messages: OpenAiChatMessage[];
  max_tokens: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: ResponseFormat;
  user?: string;
  stream?: true;
  /** Asks for a last chunk with `usage` (empty `choices`); servers that do not know it ignore it. */
  stream_options?: { include_usage: true };
}

/** Switchyard's message shape is OpenAI's (roles, content parts, `tool_calls`, `tool_call_id`), so it passes as is. */
export type OpenAiChatMessage = Pick<ChatMessage, "role" | "content" | "name" | "tool_call_id" | "tool_calls">;

export interface ConvertToOpenAiRequestOptions {
  /** Ask for server-sent events, with usage in the last chunk. */
  stream?: boolean;
}

/**
 * Switchyard's request → OpenAI's body. The deployment chooses the model (the caller's `model` is only a hint
 * for routing), and Switchyard's own fields (metadata, constraints, tenant) stay home.
 *
 * The canonical request is OpenAI's shape, so the rest passes through untouched: tools, tool choice, response
 * format, assistant tool calls, tool results, image parts. The `developer` role is sent as `developer` too:
 * OpenAI treats it as `system` for models that predate it, but some OpenAI-compatible servers (older vLLM and
 * llama.cpp chat templates) reject it; such a deployment needs its callers to send `system`.
 */
export function convertToOpenAiRequest(
  request: ChatRequest,
  deployment: DeploymentConfig,
  options: ConvertToOpenAiRequestOptions = {},
): OpenAiChatRequestBody {
  const body: OpenAiChatRequestBody = {
    model: deployment.model,
    messages: request.messages.map(convertMessage),
    max_tokens: request.max_tokens ?? deployment.defaultMaxOutputTokens,
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools !== undefined) body.tools = request.tools;
  if (request.tool_choice !== undefined) body.tool_choice = request.tool_choice;
  if (request.response_format !== undefined) body.response_format = request.response_format;
  if (request.user !== undefined) body.user = request.user;
  if (options.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function convertMessage(message: ChatMessage): OpenAiChatMessage {
  const converted: OpenAiChatMessage = { role: message.role, content: message.content };
  if (message.name !== undefined) converted.name = message.name;
  if (message.tool_call_id !== undefined) converted.tool_call_id = message.tool_call_id;
  if (message.tool_calls !== undefined) converted.tool_calls = message.tool_calls;
  return converted;
}
