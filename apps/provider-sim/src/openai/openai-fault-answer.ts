import { formatGoDuration } from "../limits/go-duration.js";
import type { LimitRejection } from "../limits/rate-limiter.js";
import type { SimErrorStatus } from "../model-behaviour.js";
import type { ErrorAnswer, SimFault } from "../generation/wire-format.js";
import { OPENAI_ERRORS, openAiError } from "./openai-errors.js";
import type { OpenAiErrorBody } from "./openai-wire-schema.js";

const ORGANIZATION = "org-provider-sim";
const RATE_LIMITS_HELP = "Visit https://platform.openai.com/account/rate-limits to learn more.";

/** Every pipeline fault as OpenAI answers it. */
export function openAiFaultAnswer(fault: SimFault): ErrorAnswer {
  switch (fault.kind) {
    case "invalid_json":
      return { status: 400, body: OPENAI_ERRORS.invalidJson() };
    case "body_too_large":
      return { status: 413, body: OPENAI_ERRORS.bodyTooLarge(fault.limitBytes) };
    case "model_not_found":
      return { status: 404, body: OPENAI_ERRORS.modelNotFound(fault.model) };
    case "context_length":
      return { status: 400, body: OPENAI_ERRORS.contextLengthExceeded(fault.contextWindowTokens, fault.promptTokens) };
    case "rate_limited":
      return {
        status: 429,
        body: rateLimitBody(fault.model, fault.rejection),
        headers: retryAfterHeaders(fault.rejection.retryAfterMs),
      };
    case "status":
      return statusAnswer(fault.status, fault.model, fault.retryAfterMs, fault.quotaExhausted);
  }
}

function statusAnswer(status: SimErrorStatus, model: string, retryAfterMs: number, quotaExhausted: boolean): ErrorAnswer {
  const body = statusBody(status, model, retryAfterMs, quotaExhausted);
  // OpenAI asks for a wait on rate limits only; an exhausted quota will not come back by waiting.
  return { status, body, headers: status === 429 && !quotaExhausted ? retryAfterHeaders(retryAfterMs) : {} };
}

function statusBody(status: SimErrorStatus, model: string, retryAfterMs: number, quotaExhausted: boolean): OpenAiErrorBody {
  switch (status) {
    case 400:
      return OPENAI_ERRORS.badRequest();
    case 401:
      return OPENAI_ERRORS.invalidApiKey();
    case 403:
      return OPENAI_ERRORS.regionNotSupported();
    case 404:
      return OPENAI_ERRORS.modelNotFound(model);
    case 413:
      return OPENAI_ERRORS.bodyTooLarge(10 * 1024 * 1024);
    case 429:
      return quotaExhausted ? OPENAI_ERRORS.quotaExhausted() : OPENAI_ERRORS.rateLimited(model, retryAfterMs);
    case 500:
      return OPENAI_ERRORS.serverError();
    case 503:
    case 529:
      return OPENAI_ERRORS.overloaded();
    case 504:
      return OPENAI_ERRORS.timeout();
  }
}

function rateLimitBody(model: string, rejection: LimitRejection): OpenAiErrorBody {
  const wait = formatGoDuration(rejection.retryAfterMs);
  if (rejection.resource === "concurrency") {
    return openAiError(
      `Too many concurrent requests for ${model} in organization ${ORGANIZATION}: Limit ${rejection.limit}. Please try again in ${wait}.`,
      "requests",
      null,
      "rate_limit_exceeded",
    );
  }
  const unit = rejection.resource === "requests" ? "requests per min (RPM)" : "tokens per min (TPM)";
  if (rejection.exceedsWholeBudget) {
    return openAiError(
      `Request too large for ${model} in organization ${ORGANIZATION} on ${unit}: Limit ${rejection.limit}, Requested ${rejection.requested}. The input or output tokens must be reduced in order to run successfully. ${RATE_LIMITS_HELP}`,
      rejection.resource,
      null,
      "rate_limit_exceeded",
    );
  }
  return openAiError(
    `Rate limit reached for ${model} in organization ${ORGANIZATION} on ${unit}: Limit ${rejection.limit}, Used ${rejection.used}, Requested ${rejection.requested}. Please try again in ${wait}. ${RATE_LIMITS_HELP}`,
    rejection.resource,
    null,
    "rate_limit_exceeded",
  );
}

function retryAfterHeaders(retryAfterMs: number): Record<string, string> {
  return { "retry-after": String(Math.ceil(retryAfterMs / 1000)), "retry-after-ms": String(retryAfterMs) };
}
