import type { IncomingHttpHeaders } from "node:http";
import { ProviderError, type ProviderErrorKind } from "@switchyard/contracts";
import { bodyExcerpt } from "../body-excerpt.js";
import { parseRetryAfterMs } from "../rate-limit/parse-retry-after.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiErrorBodySchema, type GeminiErrorObject } from "./gemini-response-schema.js";
import { readGoogleErrorDetails, type GoogleErrorDetails } from "./read-google-error-details.js";

export interface GeminiErrorResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

/**
 * Google's canonical error codes (google.rpc.Code, as `error.status`) → kinds. Gemini reports a prompt longer than the
 * model's context window as INVALID_ARGUMENT with nothing structured to tell it from other invalid arguments; its
 * documented wording ("The input token count (N) exceeds the maximum number of tokens allowed (M).") is the one
 * message read, here at the wire boundary, so the cascade can fall back to a larger window (the context-window check
 * before the call, `@switchyard/transform`'s fitContextWindow, keeps it rare).
 */
const KIND_BY_STATUS: Readonly<Record<string, ProviderErrorKind>> = {
  INVALID_ARGUMENT: "bad_request",
  FAILED_PRECONDITION: "bad_request",
  OUT_OF_RANGE: "bad_request",
  ALREADY_EXISTS: "bad_request",
  UNIMPLEMENTED: "bad_request",
  UNAUTHENTICATED: "auth",
  PERMISSION_DENIED: "auth",
  NOT_FOUND: "not_found",
  RESOURCE_EXHAUSTED: "rate_limited",
  INTERNAL: "server",
  UNKNOWN: "server",
  DATA_LOSS: "server",
  ABORTED: "server",
  UNAVAILABLE: "overloaded",
  DEADLINE_EXCEEDED: "timeout",
  // The call was cancelled before it finished; to the queue that is a call that did not finish in time.
  CANCELLED: "timeout",
};

const INPUT_TOO_LONG = /^the input token count \(\d+\) exceeds the maximum number of tokens allowed/i;

/** ErrorInfo reasons that say the key is at fault, whatever the status: Gemini answers a bad key with 400. */
const AUTH_REASONS = new Set(["API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED", "SERVICE_DISABLED"]);

/**
 * The kind of a Gemini error, from structured fields (the message only for a prompt over the context window):
 * - `error.status`, else the HTTP status, through the table above; INVALID_ARGUMENT "input token count exceeds" →
 *   `context_length`;
 * - an ErrorInfo reason naming the API key → `auth`;
 * - RESOURCE_EXHAUSTED is `quota_exhausted` when a QuotaFailure violation is a per-day quota (its `quotaId` says
 *   `PerDay`, as in GenerateRequestsPerDayPerProjectPerModel-FreeTier) or a quota of 0 (the model is not available
 *   on the project's tier at all): waiting seconds will not help, and the deployment should be skipped until the day
 *   turns. Per-minute violations, or none, are `rate_limited`.
 */
export function classifyGeminiError(httpStatus: number, error: GeminiErrorObject | undefined, details: GoogleErrorDetails): ProviderErrorKind {
  if (details.reason !== undefined && AUTH_REASONS.has(details.reason)) return "auth";
  const kind = (error?.status ? KIND_BY_STATUS[error.status] : undefined) ?? classifyHttpStatus(httpStatus);
  if (error?.status === "INVALID_ARGUMENT" && INPUT_TOO_LONG.test(error.message ?? "")) return "context_length";
  if (kind === "rate_limited" && details.quotaViolations.some((violation) => violation.quotaId?.includes("PerDay") || violation.quotaValue === "0")) {
    return "quota_exhausted";
  }
  return kind;
}

function classifyHttpStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 503) return "overloaded";
  if (status >= 500) return "server";
  if (status < 400) return "invalid_response";
  return "bad_request";
}

/** A non-2xx answer of the Gemini API → `ProviderError`, with the retry delay Google asked for and any rate-limit headers. */
export function mapGeminiError(response: GeminiErrorResponse, context: ProviderErrorContext, nowMs: number = Date.now()): ProviderError {
  const error = readGeminiError(response.bodyText);
  return buildGeminiError(error, {
    context,
    kindStatus: response.status,
    httpStatus: response.status,
    headers: response.headers,
    bodyText: response.bodyText,
    nowMs,
    describe: (detail) => `${context.provider} answered ${response.status}${detail}`,
  });
}

/**
 * An `{"error": ...}` event inside a 200 stream. Its `code` is the HTTP status it would have had, and is classified
 * as one (500, retryable, when absent: the provider failed partway through an answer it had accepted); `httpStatus`
 * is left out, as the only status there was is 200.
 */
export function mapGeminiStreamError(error: GeminiErrorObject, dataText: string, context: ProviderErrorContext & { headers?: IncomingHttpHeaders }, nowMs: number = Date.now()): ProviderError {
  return buildGeminiError(error, {
    context,
    kindStatus: error.code ?? 500,
    headers: context.headers ?? {},
    bodyText: dataText,
    nowMs,
    describe: (detail) => `${context.provider} sent an error inside its stream${detail}`,
  });
}

/** The error object of a Gemini error body, `undefined` when the body is not one (a proxy's page, empty). */
export function readGeminiError(bodyText: string): GeminiErrorObject | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const parsed = geminiErrorBodySchema.safeParse(json);
  return parsed.success ? parsed.data.error : undefined;
}

interface BuildOptions {
  context: ProviderErrorContext;
  kindStatus: number;
  httpStatus?: number;
  headers: IncomingHttpHeaders;
  bodyText: string;
  nowMs: number;
  describe(detail: string): string;
}

function buildGeminiError(error: GeminiErrorObject | undefined, options: BuildOptions): ProviderError {
  const details = readGoogleErrorDetails(error?.details);
  const fields = [error?.status, error?.message].filter(Boolean).join(": ");
  const rateLimit = parseRateLimitHeaders(options.headers, options.nowMs);
  const retryAfterMs = details.retryDelayMs ?? parseRetryAfterMs(options.headers, options.nowMs);
  return new ProviderError({
    kind: classifyGeminiError(options.kindStatus, error, details),
    message: options.describe(fields ? ` (${fields})` : ""),
    ...(options.httpStatus === undefined ? {} : { httpStatus: options.httpStatus }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    provider: options.context.provider,
    deploymentId: options.context.deploymentId,
    bodyExcerpt: bodyExcerpt(options.bodyText),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
}
