import type { ChatMessage, ChatRequest } from "@switchyard/contracts";
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
  user?: string;
}

export type OpenAiChatMessage = Pick<ChatMessage, "role" | "content" | "name" | "tool_call_id">;

/**
 * Switchyard's request → OpenAI's body. The deployment chooses the model (the caller's `model` is only a hint
 * for routing), and Switchyard's own fields (metadata, constraints, tenant) stay home.
 */
export function convertToOpenAiRequest(request: ChatRequest, deployment: DeploymentConfig): OpenAiChatRequestBody {
  const body: OpenAiChatRequestBody = {
    model: deployment.model,
    messages: request.messages.map(convertMessage),
    max_tokens: request.max_tokens ?? deployment.defaultMaxOutputTokens,
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.user !== undefined) body.user = request.user;
  return body;
}

function convertMessage(message: ChatMessage): OpenAiChatMessage {
  const converted: OpenAiChatMessage = { role: message.role, content: message.content };
  if (message.name !== undefined) converted.name = message.name;
  if (message.tool_call_id !== undefined) converted.tool_call_id = message.tool_call_id;
  return converted;
}
