import type { AnthropicMessage } from "./anthropic-wire-schema.js";

export interface ValidationIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
}

/** A schema problem as Anthropic words it: `<dotted.path>: <pydantic-style message>`. */
export function anthropicIssueMessage(issue: ValidationIssue | undefined): string {
  if (!issue) return "Input should be a valid dictionary";
  const path = issue.path.map(String).join(".");
  const prefix = path === "" ? "" : `${path}: `;
  if (issue.code === "invalid_type" && issue.input === undefined) return `${prefix}Field required`;
  if (issue.code === "invalid_type") {
    const expected = INTEGER_FIELDS.has(path) ? "integer" : expectedName(issue.expected);
    return `${prefix}Input should be a valid ${expected}`;
  }
  return `${prefix}${issue.message}`;
}

/** zod says "number" for `.int()` fields; Anthropic's validator says "integer". */
const INTEGER_FIELDS = new Set(["max_tokens", "top_k"]);

const EXPECTED_NAMES: Record<string, string> = {
  object: "dictionary",
  array: "list",
  number: "number",
  int: "integer",
  string: "string",
  boolean: "boolean",
};

function expectedName(expected: string | undefined): string {
  return (expected !== undefined && EXPECTED_NAMES[expected]) || expected || "value";
}

/**
 * The conversation rules Anthropic enforces beyond the schema: at least one message, the first from the
 * user, roles alternating, and no empty content except a final assistant prefill. `undefined` when valid.
 */
export function conversationProblem(messages: readonly AnthropicMessage[]): string | undefined {
  if (messages.length === 0) return "messages: at least one message is required";
  if (messages[0]?.role !== "user") return 'messages: first message must use the "user" role';
  for (let index = 1; index < messages.length; index++) {
    const role = messages[index]?.role;
    if (role === messages[index - 1]?.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
  }
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    const isFinalAssistant = index === messages.length - 1 && message?.role === "assistant";
    if (message && !isFinalAssistant && isEmpty(message.content)) {
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    }
  }
  return undefined;
}

function isEmpty(content: AnthropicMessage["content"]): boolean {
  return typeof content === "string" ? content === "" : content.length === 0;
}
