import type { ErrorAnswer } from "../generation/wire-format.js";
import { badRequestDetail, invalidArgument } from "./gemini-errors.js";
import type { GeminiContent } from "./gemini-wire-schema.js";

export interface ValidationIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
  keys?: readonly string[];
}

const toSnake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** `contents[0].parts` → `contents[0].parts`, `generationConfig.maxOutputTokens` → `generation_config.max_output_tokens`. */
function protoPath(path: readonly PropertyKey[]): string {
  let result = "";
  for (const segment of path) {
    result += typeof segment === "number" ? `[${segment}]` : `${result === "" ? "" : "."}${toSnake(String(segment))}`;
  }
  return result;
}

/** A schema problem in the words of Google's proto-JSON parser and the Generative Language API. */
export function geminiIssueAnswer(issue: ValidationIssue | undefined): ErrorAnswer {
  if (!issue) return invalidArgument("Invalid JSON payload received. Expected an object.");
  if (issue.code === "unrecognized_keys") {
    const message = `Invalid JSON payload received. Unknown name "${issue.keys?.[0] ?? ""}": Cannot find field.`;
    return invalidArgument(message, [badRequestDetail(undefined, message)]);
  }
  const field = protoPath(issue.path);
  if (field === "contents" && issue.input === undefined) {
    return invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
  }
  if (field.endsWith(".role")) return invalidArgument("Please use a valid role: user, model.");
  const message =
    issue.input === undefined
      ? `* GenerateContentRequest.${field}: ${issue.message}\n`
      : `Invalid value at '${field}', ${JSON.stringify(issue.input)}`;
  return invalidArgument(message, [badRequestDetail(field, message)]);
}

/** The content rules the API checks after parsing; `undefined` when the contents are acceptable. */
export function contentsProblem(contents: readonly GeminiContent[]): ErrorAnswer | undefined {
  if (contents.length === 0) return invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
  for (let index = 0; index < contents.length; index++) {
    if (contents[index]?.parts.length === 0) {
      return invalidArgument(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`);
    }
  }
  return undefined;
}
