import type { IncomingHttpHeaders } from "node:http";
import { ProviderError, type ProviderErrorKind } from "@switchyard/contracts";
import { openAiErrorBodySchema } from "./openai-response-schema.js";
import { parseRetryAfterMs } from "../rate-limit/parse-retry-after.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import { bodyExcerpt } from "../body-excerpt.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

export interface OpenAiErrorResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

/** The error fields OpenAI documents for branching on; `message` is for people and is never matched. */
export interface OpenAiErrorFields {
  code?: string | undefined;
  type?: string | undefined;
  message?: string | undefined;
}

/**
 * A prompt or output refused by a content policy: Azure's prompt filter (`content_filter`), OpenAI's image policy
 * (`content_policy_violation`) and OpenAI's flagged prompt (`invalid_prompt`, a 400 `invalid_request_error`).
 */
const CONTENT_FILTER_CODES = new Set(["content_filter", "content_policy_violation", "invalid_prompt"]);

/**
 * Status and OpenAI's error `code`/`type` → a `ProviderError` kind (OpenAI's "Error codes" guide):
 * 429 is a rate limit unless the quota is gone; 400 is split by `code`; 503 and 529 are "overloaded", other
 * 5xx are "server".
 */
export function classifyOpenAiError(status: number, fields: OpenAiErrorFields): ProviderErrorKind {
  if (status === 429) {
    return fields.code === "insufficient_quota" || fields.type === "insufficient_quota" ? "quota_exhausted" : "rate_limited";
  }
  if (status === 402) return "quota_exhausted";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 500) return "server";
  if (status < 400) return "invalid_response"; // 1xx/3xx: undici does not follow redirects, and we do not expect one
  if (fields.code === "context_length_exceeded") return "context_length";
  if (fields.code !== undefined && CONTENT_FILTER_CODES.has(fields.code)) return "content_filtered";
  return "bad_request";
}

/**
 * A non-2xx answer of an OpenAI-compatible endpoint → `ProviderError`, with the rate-limit budget its headers
 * report (a 429's `x-ratelimit-remaining-*` tells the rate limiter how far to back off).
 */
export function mapOpenAiError(
  response: OpenAiErrorResponse,
  context: ProviderErrorContext,
  nowMs: number = Date.now(),
): ProviderError {
  const fields = readOpenAiErrorFields(response.bodyText);
  const kind = classifyOpenAiError(response.status, fields);
  const detail = describeOpenAiErrorFields(fields);
  const rateLimit = parseRateLimitHeaders(response.headers, nowMs);
  return new ProviderError({
    kind,
    message: `${context.provider} answered ${response.status}${detail ? ` (${detail})` : ""}`,
    httpStatus: response.status,
    retryAfterMs: parseRetryAfterMs(response.headers, nowMs),
    provider: context.provider,
    deploymentId: context.deploymentId,
    bodyExcerpt: bodyExcerpt(response.bodyText),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
}

/** `code: message` (or whichever of them is present) for an error's message; empty when neither is. */
export function describeOpenAiErrorFields(fields: OpenAiErrorFields): string {
  return [fields.code ?? fields.type, fields.message].filter(Boolean).join(": ");
}

/** The documented error fields of a body, `{}` when it is not OpenAI's error shape. */
export function readOpenAiErrorFields(bodyText: string): OpenAiErrorFields {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return {};
  }
  const parsed = openAiErrorBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const error = parsed.data.error;
  if (typeof error === "string") return { message: error };
  return {
    code: error.code === null || error.code === undefined ? undefined : String(error.code),
    type: error.type ?? undefined,
    message: error.message ?? undefined,
  };
}
