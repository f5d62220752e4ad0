import type { ChatMessage, ContentPart } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiConversionError } from "./gemini-conversion-error.js";
import type { GeminiContent, GeminiPart, GeminiRole, GeminiSystemInstruction } from "./gemini-request-schema.js";
import { convertImageUrlToGeminiPart } from "./convert-image-url-to-gemini-part.js";
import { convertToolResultToGeminiResponse } from "./convert-tool-result-to-gemini-response.js";
import { parseToolCallArguments } from "./parse-tool-call-arguments.js";
import { SKIP_THOUGHT_SIGNATURE } from "./gemini-thought-signature.js";

export interface GeminiConversation {
  contents: GeminiContent[];
  systemInstruction?: GeminiSystemInstruction;
}

export interface ConvertToGeminiContentsOptions {
  context: ProviderErrorContext;
  /** Mark each model turn's first function call with the placeholder signature (see gemini-thought-signature.ts). */
  placeholderThoughtSignatures?: boolean;
}

/**
 * Canonical messages → Gemini's `contents` and `systemInstruction`:
 * - `system` and `developer` messages become the system instruction, one text part each. Gemini has one instruction
 *   for the whole conversation, so they must come before the first user/assistant/tool message; a later one is
 *   refused rather than moved to a place that changes what it means.
 * - `assistant` becomes `model`: its text and images, then one `functionCall` part per tool call (no ids: Gemini
 *   pairs calls and responses by name and order).
 * - `tool` messages become `functionResponse` parts of a user turn, named after the call they answer, found by
 *   `tool_call_id` among the earlier assistant messages (the nearest one wins, so reused ids still pair correctly).
 * - Consecutive messages of one Gemini role are merged into one turn: Gemini expects turns to alternate, and a tool
 *   result followed by the user's next question is one user turn.
 * - `name` has no place in Gemini and changes what the model reads, so it is refused; on a tool message it may only
 *   repeat the function's name.
 */
export function convertToGeminiContents(
  messages: readonly ChatMessage[],
  { context, placeholderThoughtSignatures = false }: ConvertToGeminiContentsOptions,
): GeminiConversation {
  const systemParts: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const fail = (index: number, reason: string) => geminiConversionError(`messages[${index}] ${reason}`, context);

  const append = (role: GeminiRole, parts: GeminiPart[]) => {
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    if (message.name !== undefined && message.role !== "tool") throw fail(index, "has a name, which Gemini cannot carry");
    switch (message.role) {
      case "system":
      case "developer":
        if (contents.length > 0) throw fail(index, `(${message.role}) comes after the conversation started; Gemini takes system instructions only before it`);
        systemParts.push(...textParts(message, (reason) => fail(index, reason)).flatMap((text) => (text === "" ? [] : [{ text }])));
        return;
      case "user": {
        const parts = contentParts(message, context);
        if (parts.length === 0) throw fail(index, "(user) has no content");
        append("user", parts);
        return;
      }
      case "assistant": {
        const parts = contentParts(message, context);
        (message.tool_calls ?? []).forEach((toolCall, callIndex) => {
          const args = parseToolCallArguments(toolCall.function.arguments, `messages[${index}].tool_calls[${callIndex}]`, context);
          const part: GeminiPart = { functionCall: { name: toolCall.function.name, args } };
          if (placeholderThoughtSignatures && callIndex === 0) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
          parts.push(part);
        });
        if (parts.length === 0) throw fail(index, "(assistant) has neither content nor tool_calls");
        append("model", parts);
        return;
      }
      case "tool": {
        const name = findCalledFunction(messages, index, message.tool_call_id);
        if (name === undefined) {
          throw fail(index, `(tool) answers tool_call_id ${JSON.stringify(message.tool_call_id ?? null)}, which no earlier assistant message called; Gemini needs the function's name`);
        }
        if (message.name !== undefined && message.name !== name) throw fail(index, `(tool) is named "${message.name}" but answers a call of "${name}"`);
        const text = textParts(message, (reason) => fail(index, reason)).join("");
        append("user", [{ functionResponse: { name, response: convertToolResultToGeminiResponse(text) } }]);
        return;
      }
    }
  });

  return { contents, ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}) };
}

/**
 * Empty texts are left out: Gemini answers 400 to an empty text part, and OpenAI-format clients often send an
 * assistant's `content: ""` beside its tool calls.
 */
function contentParts(message: ChatMessage, context: ProviderErrorContext): GeminiPart[] {
  if (message.content === null) return [];
  if (typeof message.content === "string") return message.content === "" ? [] : [{ text: message.content }];
  return message.content.flatMap((part: ContentPart): GeminiPart[] => {
    if (part.type === "text") return part.text === "" ? [] : [{ text: part.text }];
    return [convertImageUrlToGeminiPart(part.image_url.url, context)];
  });
}

/** The texts of a message that may only hold text (system instructions, tool results). */
function textParts(message: ChatMessage, fail: (reason: string) => Error): string[] {
  if (message.content === null) throw fail(`(${message.role}) has no content`);
  if (typeof message.content === "string") return [message.content];
  return message.content.map((part) => {
    if (part.type !== "text") throw fail(`(${message.role}) holds an image, which Gemini accepts only from the user and the model`);
    return part.text;
  });
}

/** The function an earlier assistant message called under this id; the nearest call wins. */
function findCalledFunction(messages: readonly ChatMessage[], before: number, toolCallId: string | undefined): string | undefined {
  if (toolCallId === undefined) return undefined;
  for (let index = before - 1; index >= 0; index--) {
    const call = messages[index]?.tool_calls?.find((toolCall) => toolCall.id === toolCallId);
    if (call !== undefined) return call.function.name;
  }
  return undefined;
}
