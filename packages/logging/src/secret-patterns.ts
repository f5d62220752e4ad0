/**
 * Secrets recognised by their shape, wherever they appear in a logged string (an error message quoting a header,
 * a URL with a key in it). Field names catch most secrets (see redact-log-object.ts); these catch the rest.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // Authorization header values, whatever the scheme's spelling.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // Standard Webhooks signing secrets.
  /\bwhsec_[A-Za-z0-9+/=_-]{8,}/g,
  // Switchyard's own keys (`sy_<kind>_<secret>`).
  /\bsy_[A-Za-z0-9]+_[A-Za-z0-9_-]{8,}/g,
  // Provider keys: OpenAI and Anthropic (`sk-…`, `sk-ant-…`), Google (`AIza…`).
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
];

export const REDACTED = "[redacted]";

/** `text` with every secret-shaped substring replaced by `[redacted]`. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const pattern of SECRET_PATTERNS) {
    // A cheap test first: nearly every log string has no secret, and `replace` would copy it anyway.
    pattern.lastIndex = 0;
    if (pattern.test(text)) scrubbed = scrubbed.replace(pattern, REDACTED);
  }
  return scrubbed;
}
