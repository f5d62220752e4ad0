import type { LimitRejection } from "../limits/rate-limiter.js";
import type { SimErrorStatus } from "../model-behaviour.js";
import type { ErrorAnswer, SimFault } from "../generation/wire-format.js";
import type { GoogleErrorBody } from "./gemini-wire-schema.js";

/** google.rpc canonical code names by HTTP status, as the Generative Language API pairs them. */
const STATUS_NAMES: Record<SimErrorStatus, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
  529: "UNAVAILABLE",
};

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";
const RATE_LIMITS_URL = "https://ai.google.dev/gemini-api/docs/rate-limits";

/** The API's wording for each injected status (Google's canonical messages). */
const MESSAGES = {
  unauthenticated:
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
  internal:
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  overloaded: "The model is overloaded. Please try again later.",
  deadline: "Deadline expired before operation could complete.",
  quota: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${RATE_LIMITS_URL}.`,
};

export function googleError(code: number, status: string, message: string, details?: unknown[]): ErrorAnswer {
  const body: GoogleErrorBody = { error: { code, message, status } };
  if (details !== undefined) body.error.details = details;
  return { status: code, body };
}

export const invalidArgument = (message: string, details?: unknown[]) =>
  googleError(400, "INVALID_ARGUMENT", message, details);

export function badRequestDetail(field: string | undefined, description: string): unknown {
  return { "@type": `${TYPE_PREFIX}BadRequest`, fieldViolations: [{ ...(field ? { field } : {}), description }] };
}

export const GEMINI_KEY_ERRORS = {
  missing: () =>
    googleError(
      403,
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),
  invalid: () =>
    invalidArgument("API key not valid. Please pass a valid API key.", [
      {
        "@type": `${TYPE_PREFIX}ErrorInfo`,
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      { "@type": `${TYPE_PREFIX}LocalizedMessage`, locale: "en-US", message: "API key not valid. Please pass a valid API key." },
    ]),
};

/** Every pipeline fault as the Gemini API answers it. */
export function geminiFaultAnswer(fault: SimFault, apiVersion: string): ErrorAnswer {
  switch (fault.kind) {
    case "invalid_json":
      return invalidArgument("Invalid JSON payload received. Unexpected token.");
    case "body_too_large":
      return invalidArgument(`Request payload size exceeds the limit: ${fault.limitBytes} bytes.`);
    case "model_not_found":
      return modelNotFound(fault.model, apiVersion);
    case "context_length": {
      const { promptTokens, contextWindowTokens } = fault;
      return invalidArgument(
        `The input token count (${promptTokens}) exceeds the maximum number of tokens allowed (${contextWindowTokens}).`,
      );
    }
    case "rate_limited":
      return quotaExceeded(fault.model, fault.rejection);
    case "status":
      return statusAnswer(fault, apiVersion);
  }
}

function statusAnswer(fault: Extract<SimFault, { kind: "status" }>, apiVersion: string): ErrorAnswer {
  const { status, model } = fault;
  const name = STATUS_NAMES[status];
  switch (status) {
    case 400:
      return invalidArgument("Request contains an invalid argument.");
    case 401:
      return googleError(status, name, MESSAGES.unauthenticated);
    case 403:
      return googleError(status, name, "The caller does not have permission");
    case 404:
      return modelNotFound(model, apiVersion);
    case 413:
      return googleError(status, name, "Request payload size exceeds the limit: 20971520 bytes.");
    case 429:
      // A daily quota: no RetryInfo, because retrying within minutes will not help.
      if (fault.quotaExhausted) {
        const metric = "generate_content_paid_tier_requests";
        return googleError(status, name, quotaMessage(metric, "per day", model), [
          quotaFailure(metric, "GenerateRequestsPerDayPerProjectPerModel", model, "0"),
          help(),
        ]);
      }
      return googleError(status, name, "Resource has been exhausted (e.g. check quota).", [retryInfo(fault.retryAfterMs)]);
    case 500:
      return googleError(status, name, MESSAGES.internal);
    case 503:
    case 529:
      return googleError(status, name, MESSAGES.overloaded);
    case 504:
      return googleError(status, name, MESSAGES.deadline);
  }
}

function modelNotFound(model: string, apiVersion: string): ErrorAnswer {
  const message =
    `models/${model} is not found for API version ${apiVersion}, or is not supported for generateContent. ` +
    "Call ListModels to see the list of available models and their supported methods.";
  return googleError(404, "NOT_FOUND", message);
}

function quotaExceeded(model: string, rejection: LimitRejection): ErrorAnswer {
  const tokens = rejection.resource === "tokens";
  const metric = tokens ? "generate_content_paid_tier_input_token_count" : "generate_content_paid_tier_requests";
  const quotaId = tokens
    ? "GenerateContentPaidTierInputTokensPerModelPerMinute"
    : "GenerateRequestsPerMinutePerProjectPerModel";
  const retryIn = seconds(rejection.retryAfterMs);
  const message = `${quotaMessage(metric, "per minute", model, rejection.limit)}\nPlease retry in ${retryIn}s.`;
  return googleError(429, "RESOURCE_EXHAUSTED", message, [
    quotaFailure(metric, quotaId, model, String(rejection.limit)),
    help(),
    retryInfo(rejection.retryAfterMs),
  ]);
}

function quotaMessage(metric: string, period: string, model: string, limit?: number): string {
  const limitText = limit === undefined ? "" : `, limit: ${limit}`;
  return `${MESSAGES.quota}\n* Quota exceeded for metric: generativelanguage.googleapis.com/${metric}${limitText}, model: ${model} (${period})`;
}

function quotaFailure(metric: string, quotaId: string, model: string, quotaValue: string): unknown {
  return {
    "@type": `${TYPE_PREFIX}QuotaFailure`,
    violations: [
      {
        quotaMetric: `generativelanguage.googleapis.com/${metric}`,
        quotaId,
        quotaDimensions: { location: "global", model },
        quotaValue,
      },
    ],
  };
}

function help(): unknown {
  const links = [{ description: "Learn more about Gemini API quotas", url: RATE_LIMITS_URL }];
  return { "@type": `${TYPE_PREFIX}Help`, links };
}

/** `retryDelay` in whole seconds, as Gemini sends it ("46s"). */
export function retryInfo(retryAfterMs: number): unknown {
  return { "@type": `${TYPE_PREFIX}RetryInfo`, retryDelay: `${Math.ceil(retryAfterMs / 1000)}s` };
}

function seconds(ms: number): string {
  return (Math.ceil(ms / 100) / 10).toString();
}
