/**
 * Gemini's `functionResponse.response` is a JSON object, and its reference says to put a function's output under
 * `output` (and a failure under `error`), or else the whole object is read as the output. A tool message's text that
 * is a JSON object is therefore sent as that object; any other text is sent as `{ "output": text }`.
 */
export function convertToolResultToGeminiResponse(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: plain text output.
  }
  return { output: text };
}

/**
 * The inverse: `{ "output": "<text>" }` alone is the text, anything else is its JSON. A tool's text result that was
 * the JSON `{"output":"x"}` comes back as `x`, and JSON with spacing comes back compact: the same value, not the
 * same characters.
 */
export function convertGeminiResponseToToolResult(response: Record<string, unknown>): string {
  const keys = Object.keys(response);
  if (keys.length === 1 && keys[0] === "output" && typeof response.output === "string") return response.output;
  return JSON.stringify(response);
}
