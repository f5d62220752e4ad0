import type { IncomingHttpHeaders } from "node:http";
import { ProviderError, type ProviderErrorKind } from "@switchyard/contracts";
import { anthropicErrorBodySchema } from "./anthropic-response-schema.js";
import { parseRetryAfterMs } from "../rate-limit/parse-retry-after.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import { bodyExcerpt } from "../body-excerpt.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

export interface AnthropicErrorResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

/** The error fields Anthropic documents for branching on; `message` is matched only for the one case below. */
export interface AnthropicErrorFields {
  type?: string | undefined;
  message?: string | undefined;
  /** `error.details.error_code`, e.g. `enforced_spend_limit_reached`. */
  errorCode?: string | undefined;
}

/**
 * Anthropic's `error.type` → kind, per its "Errors" reference. `request_too_large` (413, over 32 MB) is
 * `context_length`: the request is too big for this deployment, which is what the router needs to hear, and it
 * is not worth retrying as is. A prompt over the context window is a 400 `invalid_request_error` with nothing
 * but its message to tell it apart: "prompt is too long: N tokens > M maximum", the same wording in the API
 * reference, the SDKs' tests and every gateway that handles it. That one anchored prefix is read here, at the
 * wire boundary, so the cascade can fall back to a larger window; nothing else branches on a message (a
 * user-set spend limit, also a 400 told apart only by its message, stays a `bad_request`).
 */
const PROMPT_TOO_LONG = /^prompt is too long\b/i;

const KIND_BY_ERROR_TYPE = new Map<string, ProviderErrorKind>([
  ["invalid_request_error", "bad_request"],
  ["authentication_error", "auth"],
  ["permission_error", "auth"],
  ["billing_error", "quota_exhausted"],
  ["not_found_error", "not_found"],
  ["request_too_large", "context_length"],
  ["rate_limit_error", "rate_limited"],
  ["timeout_error", "timeout"],
  ["api_error", "server"],
  ["overloaded_error", "overloaded"],
]);

/**
 * Anthropic's error fields, else the status → a `ProviderError` kind. The error type is more specific than
 * the status (a 429 `rate_limit_error` whose `details.error_code` is `enforced_spend_limit_reached` is a spent
 * monthly cap that no retry will fix before the month ends). Without a known type (a proxy's HTML page, an
 * error type added later) the status decides; without a status either (an error event inside a stream), it
 * is `server`: the provider failed partway through an answer it had accepted.
 */
export function classifyAnthropicError(status: number | undefined, fields: AnthropicErrorFields): ProviderErrorKind {
  if (fields.errorCode === "enforced_spend_limit_reached") return "quota_exhausted";
  if (fields.type === "invalid_request_error" && PROMPT_TOO_LONG.test(fields.message ?? "")) return "context_length";
  const byType = fields.type === undefined ? undefined : KIND_BY_ERROR_TYPE.get(fields.type);
  if (byType !== undefined) return byType;
  if (status === undefined) return "server";
  if (status === 429) return "rate_limited";
  if (status === 402) return "quota_exhausted";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 413) return "context_length";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 500) return "server";
  if (status < 400) return "invalid_response"; // 1xx/3xx: undici does not follow redirects, and we do not expect one
  return "bad_request";
}

/**
 * A non-2xx answer of Anthropic's Messages API → `ProviderError`, with the rate-limit budget its
 * `anthropic-ratelimit-*` and `retry-after` headers report.
 */
export function mapAnthropicError(
  response: AnthropicErrorResponse,
  context: ProviderErrorContext,
  nowMs: number = Date.now(),
): ProviderError {
  const fields = readAnthropicErrorFields(response.bodyText);
  const detail = describeAnthropicErrorFields(fields);
  const rateLimit = parseRateLimitHeaders(response.headers, nowMs);
  return new ProviderError({
    kind: classifyAnthropicError(response.status, fields),
    message: `${context.provider} answered ${response.status}${detail ? ` (${detail})` : ""}`,
    httpStatus: response.status,
    retryAfterMs: parseRetryAfterMs(response.headers, nowMs),
    provider: context.provider,
    deploymentId: context.deploymentId,
    bodyExcerpt: bodyExcerpt(response.bodyText),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
}

export interface AnthropicStreamErrorContext extends ProviderErrorContext {
  /** The stream's response headers, for the rate-limit budget they report. */
  headers?: IncomingHttpHeaders;
  nowMs?: number;
}

/**
 * An `error` event inside a 200 stream (an `overloaded_error` during high load, typically) → `ProviderError`,
 * classified by its type as the equivalent status would be. `httpStatus` is left out: the only status there
 * is was 200, and reporting it would read as a success.
 */
export function mapAnthropicStreamError(dataText: string, context: AnthropicStreamErrorContext): ProviderError {
  const fields = readAnthropicErrorFields(dataText);
  const detail = describeAnthropicErrorFields(fields);
  const rateLimit = context.headers === undefined ? undefined : parseRateLimitHeaders(context.headers, context.nowMs);
  return new ProviderError({
    kind: classifyAnthropicError(undefined, fields),
    message: `${context.provider} sent an error inside its stream${detail ? ` (${detail})` : ""}`,
    provider: context.provider,
    deploymentId: context.deploymentId,
    bodyExcerpt: bodyExcerpt(dataText),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
}

/** `type: message` (or whichever of them is present) for an error's message; empty when neither is. */
export function describeAnthropicErrorFields(fields: AnthropicErrorFields): string {
  return [fields.type, fields.message].filter(Boolean).join(": ");
}

/** The documented error fields of a body, `{}` when it is not Anthropic's error shape. */
export function readAnthropicErrorFields(bodyText: string): AnthropicErrorFields {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return {};
  }
  const parsed = anthropicErrorBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const { type, message, details } = parsed.data.error;
  return { type: type ?? undefined, message: message ?? undefined, errorCode: details?.error_code ?? undefined };
}
