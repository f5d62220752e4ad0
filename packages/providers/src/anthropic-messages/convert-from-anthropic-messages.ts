import type { ChatMessage, ContentPart, ToolCall } from "@switchyard/contracts";
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from "./anthropic-request-schema.js";
import { convertImageSourceToUrl } from "./anthropic-image-source.js";

/**
 * Anthropic's conversation → Switchyard's (OpenAI-shaped) messages, the inverse of
 * `convertToAnthropicMessages`: `tool_result` blocks become `tool` messages (in place, so results that
 * precede a user's text stay before it), `tool_use` blocks become the assistant's `tool_calls` with their
 * text joined as its content. String content stays a string and block content stays parts, so a round trip
 * keeps both shapes.
 */
export function convertFromAnthropicMessages(messages: AnthropicMessage[]): ChatMessage[] {
  return messages.flatMap((message) =>
    message.role === "user" ? convertUserTurn(message.content) : [convertAssistantTurn(message.content)],
  );
}

function convertUserTurn(content: Extract<AnthropicMessage, { role: "user" }>["content"]): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const converted: ChatMessage[] = [];
  let parts: ContentPart[] = [];
  const flushParts = () => {
    if (parts.length > 0) converted.push({ role: "user", content: parts });
    parts = [];
  };
  for (const block of content) {
    if (block.type === "tool_result") {
      flushParts();
      converted.push(toolMessage(block));
    } else {
      parts.push(contentPart(block));
    }
  }
  flushParts();
  return converted;
}

function convertAssistantTurn(content: string | AnthropicAssistantBlock[]): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  const texts = content.filter((block): block is AnthropicTextBlock => block.type === "text");
  const toolCalls: ToolCall[] = content.flatMap((block) =>
    block.type === "tool_use"
      ? [{ id: block.id, type: "function" as const, function: { name: block.name, arguments: JSON.stringify(block.input) } }]
      : [],
  );
  if (toolCalls.length === 0) return { role: "assistant", content: texts.map((block) => contentPart(block)) };
  return {
    role: "assistant",
    content: texts.length === 0 ? null : texts.map((block) => block.text).join(""),
    tool_calls: toolCalls,
  };
}

function toolMessage(block: AnthropicToolResultBlock): ChatMessage {
  const content = block.content === undefined || block.content.length === 0 ? "" : block.content;
  return {
    role: "tool",
    tool_call_id: block.tool_use_id,
    content: typeof content === "string" ? content : content.map((part) => contentPart(part)),
  };
}

function contentPart(block: AnthropicTextBlock | AnthropicImageBlock): ContentPart {
  return block.type === "text"
    ? { type: "text", text: block.text }
    : { type: "image_url", image_url: { url: convertImageSourceToUrl(block.source) } };
}
