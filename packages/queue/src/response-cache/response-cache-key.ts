import { createHash } from "node:crypto";
import type { ChatMessage, ChatRequest } from "@switchyard/contracts";
import { canonicalJson } from "./canonical-json.js";

/**
 * What each request field is to the cache. `output` fields can change what the model answers and go into
 * the key; `routing` fields only decide who answers, or how Switchyard treats the request, and stay out.
 * The `satisfies` makes adding a field to `ChatRequest` a compile error here until someone decides which it
 * is: a parameter silently left out of the key would serve one caller the answer to another question.
 */
const FIELD_ROLES = {
  messages: "output",
  model: "output",
  max_tokens: "output",
  temperature: "output",
  top_p: "output",
  stop: "output",
  seed: "output",
  tools: "output",
  tool_choice: "output",
  response_format: "output",
  user: "routing",
  metadata: "routing",
  constraints: "routing",
  // The tenant that scopes the entry is the caller's resolved tenant (an argument), not this field.
  tenant: "routing",
  cache: "routing",
  // How the answer is delivered, not what it is: a streamed and a plain call share an entry.
  stream: "routing",
  // Where the events go, not what the answer is.
  webhook: "routing",
} as const satisfies Record<keyof ChatRequest, "output" | "routing">;

/** Bump when the normalization changes, so entries written under the old meaning are never read. */
const KEY_VERSION = 1;

/**
 * The exact-match response-cache key of a request for a tenant: the hex SHA-256 of a canonical JSON of the
 * tenant and the request's output-relevant fields, normalized so that spellings the providers treat alike
 * (string content vs. a single text part, a stop string vs. a one-element list) share an entry.
 * Nothing else is normalized: whitespace, message order, and tool calls all change the key.
 *
 * Object keys are sorted at every depth, including inside tool and response-format JSON Schemas. Two
 * schemas that differ only in property order therefore share an entry, although a strict structured-output
 * model may emit the keys in a different order: the cached answer is the same JSON data, not the same text.
 */
export function responseCacheKey(tenant: string, request: ChatRequest): string {
  const roles: Record<string, string | undefined> = FIELD_ROLES;
  // A field unknown to the table (the type allows none, but a caller may pass a wider object) is kept:
  // an unneeded miss is cheap, a wrong hit is not.
  const fields: Record<string, unknown> = Object.fromEntries(
    Object.entries(request).filter(([name]) => roles[name] !== "routing"),
  );
  fields.messages = request.messages.map(normalizeMessage);
  fields.stop = normalizeStop(request.stop);
  const canonical = canonicalJson({ version: KEY_VERSION, tenant, request: fields });
  return createHash("sha256").update(canonical).digest("hex");
}

function normalizeMessage(message: ChatMessage): ChatMessage {
  const content = message.content;
  const [only] = Array.isArray(content) && content.length === 1 ? content : [];
  return only?.type === "text" ? { ...message, content: only.text } : message;
}

/** A stop string is a one-element list; an empty list is no stop sequences at all. */
function normalizeStop(stop: ChatRequest["stop"]): string[] | undefined {
  if (stop === undefined) return undefined;
  const sequences = typeof stop === "string" ? [stop] : stop;
  return sequences.length === 0 ? undefined : sequences;
}
