import type { ChatMessage, ContentPart, ProviderError, ToolCall } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
  AnthropicUserBlock,
} from "./anthropic-request-schema.js";
import { convertImageUrlToSource } from "./anthropic-image-source.js";
import { requestNotExpressible } from "./request-not-expressible.js";

export interface AnthropicConversation {
  /** The text of every system and developer message, in order. */
  systemTexts: string[];
  messages: AnthropicMessage[];
}

/**
 * Switchyard's (OpenAI-shaped) messages → Anthropic's conversation:
 * - system and developer messages are lifted out, wherever they are, for the top-level `system`;
 * - assistant `tool_calls` become `tool_use` blocks after the message's text;
 * - `tool` messages become `tool_result` blocks of a user turn;
 * - consecutive turns of one role are merged into one (Anthropic requires user and assistant to alternate), so
 *   parallel tool results, and a user message that follows them, share one user turn, results first.
 * Message `name`s and image `detail`s have no Anthropic equivalent and are dropped: they are hints, not content.
 */
export function convertToAnthropicMessages(messages: ChatMessage[], context: ProviderErrorContext): AnthropicConversation {
  const systemTexts: string[] = [];
  const turns: AnthropicMessage[] = [];
  const fail = (index: number, reason: string): ProviderError => requestNotExpressible(`messages[${index}]: ${reason}`, context);

  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
      case "developer":
        systemTexts.push(systemText(message, (reason) => fail(index, reason)));
        break;
      case "user":
        appendUserContent(turns, userContent(message, (reason) => fail(index, reason)));
        break;
      case "assistant":
        appendAssistantContent(turns, assistantContent(message, (reason) => fail(index, reason)));
        break;
      case "tool":
        appendUserContent(turns, [toolResultBlock(message, (reason) => fail(index, reason))]);
        break;
    }
  });
  return { systemTexts, messages: turns };
}

type Fail = (reason: string) => ProviderError;

function systemText(message: ChatMessage, fail: Fail): string {
  if (message.content === null) return "";
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((part) => {
      if (part.type === "image_url") throw fail(`a ${message.role} message cannot carry an image: Anthropic's system prompt is text only`);
      return part.text;
    })
    .join("\n\n");
}

function userContent(message: ChatMessage, fail: Fail): string | AnthropicUserBlock[] {
  if (message.content === null) throw fail("a user message needs content");
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => contentBlock(part, fail));
}

function assistantContent(message: ChatMessage, fail: Fail): string | AnthropicAssistantBlock[] {
  const toolCalls = message.tool_calls ?? [];
  if (toolCalls.length === 0) {
    if (message.content === null) throw fail("an assistant message needs content or tool_calls");
    if (typeof message.content === "string") return message.content;
    return message.content.map((part) => textOnly(part, fail));
  }
  // Anthropic rejects empty text blocks, and an empty text next to tool calls says nothing.
  const texts: AnthropicTextBlock[] =
    message.content === null
      ? []
      : typeof message.content === "string"
        ? [{ type: "text", text: message.content }]
        : message.content.map((part) => textOnly(part, fail));
  return [...texts.filter((block) => block.text !== ""), ...toolCalls.map((toolCall) => toolUseBlock(toolCall, fail))];
}

function toolResultBlock(message: ChatMessage, fail: Fail): AnthropicToolResultBlock {
  if (message.tool_call_id === undefined) throw fail("a tool message needs the tool_call_id of the call it answers");
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: message.tool_call_id };
  if (typeof message.content === "string") block.content = message.content;
  else if (message.content !== null) block.content = message.content.map((part) => contentBlock(part, fail));
  return block;
}

function toolUseBlock(toolCall: ToolCall, fail: Fail): AnthropicToolUseBlock {
  const { name, arguments: argumentsText } = toolCall.function;
  // Some OpenAI-compatible models send "" for a function without parameters; it means "no arguments".
  if (argumentsText.trim() === "") return { type: "tool_use", id: toolCall.id, name, input: {} };
  let input: unknown;
  try {
    input = JSON.parse(argumentsText);
  } catch {
    throw fail(`the arguments of tool call ${toolCall.id} (${name}) are not valid JSON`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw fail(`the arguments of tool call ${toolCall.id} (${name}) are not a JSON object, which Anthropic's tool_use input must be`);
  }
  return { type: "tool_use", id: toolCall.id, name, input: input as Record<string, unknown> };
}

function contentBlock(part: ContentPart, fail: Fail): AnthropicTextBlock | AnthropicImageBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  const source = convertImageUrlToSource(part.image_url.url);
  if (source === undefined) throw fail("an image URL must be http(s) or a base64 data URL");
  return { type: "image", source };
}

function textOnly(part: ContentPart, fail: Fail): AnthropicTextBlock {
  if (part.type === "image_url") throw fail("an assistant message cannot carry an image in Anthropic's format");
  return { type: "text", text: part.text };
}

function appendUserContent(turns: AnthropicMessage[], content: string | AnthropicUserBlock[]): void {
  const last = turns.at(-1);
  if (last?.role === "user") last.content = [...asBlocks(last.content), ...asBlocks(content)];
  else turns.push({ role: "user", content });
}

function appendAssistantContent(turns: AnthropicMessage[], content: string | AnthropicAssistantBlock[]): void {
  const last = turns.at(-1);
  if (last?.role === "assistant") last.content = [...asBlocks(last.content), ...asBlocks(content)];
  else turns.push({ role: "assistant", content });
}

function asBlocks<Block>(content: string | Block[]): Array<Block | AnthropicTextBlock> {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}
