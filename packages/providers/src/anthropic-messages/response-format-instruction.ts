import type { ResponseFormat } from "@switchyard/contracts";

/**
 * What `response_format` asks for, as a system-prompt instruction. Anthropic's Messages API (version
 * 2023-06-01, without betas) has no JSON mode, so JSON output is requested in words, and a `json_schema`
 * is given to the model verbatim. This is best effort: unlike OpenAI's `strict` structured outputs, nothing
 * guarantees that the answer parses or conforms; callers that need that must validate. `text` asks for
 * nothing. Rejecting the request instead would make every JSON-mode caller unservable by Claude.
 */
export function responseFormatInstruction(responseFormat: ResponseFormat | undefined): string | undefined {
  if (responseFormat === undefined || responseFormat.type === "text") return undefined;
  const noProse = "Do not add any text before or after it, and do not wrap it in Markdown code fences.";
  if (responseFormat.type === "json_object") return `Respond with a single valid JSON object. ${noProse}`;

  const { name, description, schema } = responseFormat.json_schema;
  const lines = [`Respond with a single valid JSON value that conforms to the JSON Schema named "${name}". ${noProse}`];
  if (description !== undefined) lines.push(`What the schema describes: ${description}`);
  if (schema !== undefined) lines.push(`The JSON Schema:\n${JSON.stringify(schema)}`);
  return lines.join("\n");
}
