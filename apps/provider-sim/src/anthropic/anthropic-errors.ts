import type { LimitRejection } from "../limits/rate-limiter.js";
import type { SimErrorStatus } from "../model-behaviour.js";
import type { ErrorAnswer, SimFault } from "../generation/wire-format.js";
import type { AnthropicErrorBody } from "./anthropic-wire-schema.js";

export function anthropicError(type: string, message: string, errorCode?: string): AnthropicErrorBody {
  return { type: "error", error: { type, message, ...(errorCode === undefined ? {} : { details: { error_code: errorCode } }) } };
}

export const invalidRequest = (message: string): ErrorAnswer => ({
  status: 400,
  body: anthropicError("invalid_request_error", message),
});

const RATE_LIMIT_HELP =
  "For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.";

/** Every pipeline fault as Anthropic answers it. */
export function anthropicFaultAnswer(fault: SimFault): ErrorAnswer {
  switch (fault.kind) {
    case "invalid_json":
      return invalidRequest("There was an error parsing the body of your request as JSON.");
    case "body_too_large":
      return { status: 413, body: anthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.") };
    case "model_not_found":
      return { status: 404, body: anthropicError("not_found_error", `model: ${fault.model}`) };
    case "context_length":
      return invalidRequest(`prompt is too long: ${fault.promptTokens} tokens > ${fault.contextWindowTokens} maximum`);
    case "rate_limited":
      return {
        status: 429,
        body: anthropicError("rate_limit_error", rateLimitMessage(fault.rejection)),
        headers: retryAfter(fault.rejection.retryAfterMs),
      };
    case "status":
      return statusAnswer(fault.status, fault.model, fault.retryAfterMs, fault.quotaExhausted);
  }
}

function statusAnswer(status: SimErrorStatus, model: string, retryAfterMs: number, quotaExhausted: boolean): ErrorAnswer {
  switch (status) {
    case 400:
      return invalidRequest("Invalid request (injected by provider-sim).");
    case 401:
      return { status, body: anthropicError("authentication_error", "invalid x-api-key") };
    case 403:
      return { status, body: anthropicError("permission_error", "Your API key does not have permission to use the specified resource.") };
    case 404:
      return { status, body: anthropicError("not_found_error", `model: ${model}`) };
    case 413:
      return { status, body: anthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.") };
    case 429:
      // A spent spend limit (Anthropic's rate-limits guide): a 429 `rate_limit_error` told apart by
      // `details.error_code`, with no retry-after, because waiting minutes will not fix it.
      if (quotaExhausted) {
        const message = `You have reached your specified API usage limits. You will regain access on ${firstOfNextMonthUtc()} at 00:00 UTC.`;
        return { status, body: anthropicError("rate_limit_error", message, "enforced_spend_limit_reached") };
      }
      return {
        status,
        body: anthropicError("rate_limit_error", `This request would exceed the rate limit for your organization. ${RATE_LIMIT_HELP}`),
        headers: retryAfter(retryAfterMs),
      };
    case 500:
      return { status, body: anthropicError("api_error", "Internal server error") };
    case 503:
      return { status, body: anthropicError("overloaded_error", "Overloaded") };
    case 504:
      return { status, body: anthropicError("timeout_error", "Request timed out") };
    case 529:
      return { status, body: anthropicError("overloaded_error", "Overloaded"), headers: retryAfter(retryAfterMs) };
  }
}

function rateLimitMessage(rejection: LimitRejection): string {
  if (rejection.resource === "concurrency") {
    return "Number of concurrent connections has exceeded your rate limit. Please try again later or contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.";
  }
  const unit = rejection.resource === "requests" ? "requests" : "tokens";
  return `This request would exceed the rate limit for your organization (org-provider-sim) of ${rejection.limit.toLocaleString("en-US")} ${unit} per minute. ${RATE_LIMIT_HELP}`;
}

/** Anthropic sends whole seconds. */
function retryAfter(retryAfterMs: number): Record<string, string> {
  return { "retry-after": String(Math.ceil(retryAfterMs / 1000)) };
}

/** `2026-09-01`: when a monthly spend limit resets. */
function firstOfNextMonthUtc(nowMs = Date.now()): string {
  const now = new Date(nowMs);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}
