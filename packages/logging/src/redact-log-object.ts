import { pino } from "pino";
import { REDACTED, scrubSecrets } from "./secret-patterns.js";

/** Normalised (lower case, no `-`/`_`) field names whose values are credentials, at any depth. */
const SECRET_FIELDS = new Set([
  "authorization",
  "proxyauthorization",
  "xapikey",
  "apikey",
  "adminkey",
  "secret",
  "signingsecret",
  "webhooksecret",
  "clientsecret",
  "password",
  "token",
  "accesstoken",
  "refreshtoken",
  "cookie",
  "setcookie",
]);

/**
 * Normalised field names that carry prompt or completion text (OpenAI, Anthropic and Gemini shapes, our record's
 * `request`/`result`, provider bodies). Dropped unless prompt logging is switched on for debugging.
 */
const PROMPT_FIELDS = new Set([
  "messages",
  "prompt",
  "content",
  "contents",
  "system",
  "systeminstruction",
  "input",
  "text",
  "completion",
  "choices",
  "delta",
  "arguments",
  "request",
  "requestbody",
  "response",
  "responsebody",
  "body",
  "bodyexcerpt",
  "result",
]);

/** Deeper than this is not walked (a log object is small; a deep one is a mistake, not a reason to hang). */
const MAX_DEPTH = 12;

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** `requireApiKey`, `webhookSigningSecret`, `dashboardPassword`: a credential whatever its prefix. */
function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name) || name.endsWith("apikey") || name.endsWith("secret") || name.endsWith("password");
}

export interface RedactOptions {
  /** Keep prompt and completion text (`SWITCHYARD_LOG_PROMPTS=true`); credentials are redacted regardless. */
  logPrompts: boolean;
}

/**
 * A copy of a log object with credentials and (by default) prompt text replaced by `[redacted]`, at any depth,
 * matched by field name, and secret-shaped substrings scrubbed from every string. Errors are serialised first (as
 * pino would) so their messages and properties get the same treatment. Runs as pino's `formatters.log`, on every
 * line: it only copies what it walks, and a typical line has a handful of flat fields.
 */
export function redactLogObject(object: Record<string, unknown>, options: RedactOptions): Record<string, unknown> {
  return redactValue(object, options, 0, new WeakSet()) as Record<string, unknown>;
}

function redactValue(value: unknown, options: RedactOptions, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) return redactValue(pino.stdSerializers.err(value), options, depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, options, depth + 1, seen));
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (value instanceof Date) return value;
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === "function") return redactValue(toJson.call(value), options, depth + 1, seen);
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = normalise(key);
    if (isSecretField(name) || (!options.logPrompts && PROMPT_FIELDS.has(name))) {
      copy[key] = inner === undefined ? undefined : REDACTED;
    } else {
      copy[key] = redactValue(inner, options, depth + 1, seen);
    }
  }
  return copy;
}
