import type { IncomingHttpHeaders } from "node:http";
import { ProviderError } from "@switchyard/contracts";
import {
  classifyOpenAiError,
  describeOpenAiErrorFields,
  readOpenAiErrorFields,
  type OpenAiErrorFields,
} from "./map-openai-error.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import { bodyExcerpt } from "../body-excerpt.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

export interface OpenAiStreamErrorContext extends ProviderErrorContext {
  /** The stream's response headers, for the rate-limit budget they report. */
  headers?: IncomingHttpHeaders;
  nowMs?: number;
}

const CODES_OF_A_BAD_REQUEST = new Set(["context_length_exceeded", "content_filter", "content_policy_violation"]);

/**
 * An `{"error": ...}` event inside a 200 stream → `ProviderError`. The status line already said 200, so the
 * kind comes from the error's fields, classified as the status that usually carries them: a numeric `code`
 * that is an HTTP status (vLLM and LiteLLM send one), OpenAI's documented codes, and otherwise 500 (`server`,
 * retryable): the provider failed partway through an answer it had accepted.
 *
 * `httpStatus` is left out: the only status there is was 200, and reporting it would read as a success.
 */
export function mapOpenAiStreamError(dataText: string, context: OpenAiStreamErrorContext): ProviderError {
  const fields = readOpenAiErrorFields(dataText);
  const detail = describeOpenAiErrorFields(fields);
  const rateLimit = context.headers === undefined ? undefined : parseRateLimitHeaders(context.headers, context.nowMs);
  return new ProviderError({
    kind: classifyOpenAiError(equivalentStatus(fields), fields),
    message: `${context.provider} sent an error inside its stream${detail ? ` (${detail})` : ""}`,
    provider: context.provider,
    deploymentId: context.deploymentId,
    bodyExcerpt: bodyExcerpt(dataText),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
}

function equivalentStatus(fields: OpenAiErrorFields): number {
  if (fields.code !== undefined && /^[45]\d\d$/.test(fields.code)) return Number(fields.code);
  if (fields.code === "insufficient_quota" || fields.type === "insufficient_quota") return 429;
  if (fields.code === "rate_limit_exceeded") return 429;
  if (fields.code !== undefined && CODES_OF_A_BAD_REQUEST.has(fields.code)) return 400;
  if (fields.type === "invalid_request_error") return 400;
  return 500;
}
