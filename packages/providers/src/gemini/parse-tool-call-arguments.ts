import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiConversionError } from "./gemini-conversion-error.js";

/**
 * A tool call's `arguments` (the JSON text OpenAI-format models write) → the object Gemini's `functionCall.args`
 * holds. Gemini has no place for text that is not a JSON object, so such arguments are refused, never guessed at.
 * Empty text is read as `{}`: some OpenAI-compatible servers send it for a function without parameters.
 */
export function parseToolCallArguments(argumentsText: string, path: string, context: ProviderErrorContext): Record<string, unknown> {
  if (argumentsText.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsText);
  } catch {
    throw geminiConversionError(`${path}.function.arguments is not valid JSON`, context);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw geminiConversionError(`${path}.function.arguments is not a JSON object, which Gemini requires`, context);
  }
  return parsed as Record<string, unknown>;
}
