import type { ChatMessage, ContentPart, ToolCall } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiConversionError } from "./gemini-conversion-error.js";
import type { GeminiContent, GeminiPart } from "./gemini-request-schema.js";
import { convertGeminiResponseToToolResult } from "./convert-tool-result-to-gemini-response.js";
import { geminiToolCallId } from "./gemini-tool-call-id.js";

/**
 * Gemini `contents` → canonical messages, the inverse of `convertToGeminiContents`:
 * - a `model` turn is one assistant message: its text and images as content, its `functionCall`s as tool calls;
 * - a `user` turn is split where its parts change kind: each `functionResponse` becomes a tool message, each run of
 *   text and images a user message.
 *
 * Gemini's calls usually carry no id, so calls get `call_<n>`, numbered through the whole request, and a response
 * answers the earliest unanswered call of its name (or of its id, when the call had one). The ids a canonical request
 * had before it was converted to Gemini are therefore not preserved. `thoughtSignature`s are accepted and left out:
 * the canonical history has no place for them.
 */
export function convertFromGeminiContents(contents: readonly GeminiContent[], context: ProviderErrorContext): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const unanswered: Array<{ id: string; name: string }> = [];
  let callCount = 0;

  contents.forEach((content, contentIndex) => {
    const path = `contents[${contentIndex}]`;
    if (content.role === "model") {
      const parts: ContentPart[] = [];
      const toolCalls: ToolCall[] = [];
      content.parts.forEach((part, partIndex) => {
        if (part.functionCall !== undefined) {
          const id = part.functionCall.id ?? geminiToolCallId(callCount);
          callCount++;
          unanswered.push({ id, name: part.functionCall.name });
          toolCalls.push({
            id,
            type: "function",
            function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
          });
        } else if (part.functionResponse !== undefined) {
          throw geminiConversionError(`${path}.parts[${partIndex}] is a functionResponse in a model turn`, context);
        } else {
          parts.push(convertContentPart(part, `${path}.parts[${partIndex}]`, context));
        }
      });
      messages.push({ role: "assistant", content: joinContent(parts), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
      return;
    }

    let run: ContentPart[] = [];
    const flushRun = () => {
      const joined = joinContent(run);
      if (joined !== null) messages.push({ role: "user", content: joined });
      run = [];
    };
    content.parts.forEach((part, partIndex) => {
      const partPath = `${path}.parts[${partIndex}]`;
      if (part.functionCall !== undefined) throw geminiConversionError(`${partPath} is a functionCall in a user turn`, context);
      if (part.functionResponse === undefined) {
        run.push(convertContentPart(part, partPath, context));
        return;
      }
      flushRun();
      const { id, name, response } = part.functionResponse;
      const callIndex = unanswered.findIndex((call) => (id !== undefined ? call.id === id : call.name === name));
      const call = unanswered[callIndex];
      if (call === undefined) {
        throw geminiConversionError(`${partPath}.functionResponse answers no earlier unanswered functionCall of "${name}"`, context);
      }
      unanswered.splice(callIndex, 1);
      messages.push({ role: "tool", tool_call_id: call.id, content: convertGeminiResponseToToolResult(response) });
    });
    flushRun();
  });
  return messages;
}

/** One text part is plain text, as canonical messages usually are; several parts or an image stay a list. */
export function joinContent(parts: ContentPart[]): ChatMessage["content"] {
  if (parts.length === 0) return null;
  const [first] = parts;
  if (parts.length === 1 && first?.type === "text") return first.text;
  return parts;
}

function convertContentPart(part: GeminiPart, path: string, context: ProviderErrorContext): ContentPart {
  if (part.text !== undefined) return { type: "text", text: part.text };
  if (part.inlineData !== undefined) {
    const { mimeType, data } = part.inlineData;
    if (!mimeType.startsWith("image/")) throw geminiConversionError(`${path}.inlineData is ${mimeType}; only images can be carried`, context);
    return { type: "image_url", image_url: { url: `data:${mimeType};base64,${data}` } };
  }
  if (part.fileData !== undefined) {
    const { mimeType, fileUri } = part.fileData;
    if (mimeType !== undefined && !mimeType.startsWith("image/")) {
      throw geminiConversionError(`${path}.fileData is ${mimeType}; only images can be carried`, context);
    }
    return { type: "image_url", image_url: { url: fileUri } };
  }
  throw geminiConversionError(`${path} has no content`, context);
}
