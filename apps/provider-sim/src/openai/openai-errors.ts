import type { OpenAiErrorBody } from "./openai-wire-schema.js";

/**
 * The error bodies OpenAI sends, as the simulator reproduces them. Messages follow OpenAI's wording; clients
 * should branch on `type`/`code` and the status, never on the message.
 */
export function openAiError(message: string, type: string, param: string | null, code: string | null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

export const OPENAI_ERRORS = {
  invalidJson: () =>
    openAiError(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      "invalid_request_error",
      null,
      null,
    ),
  bodyTooLarge: (limitBytes: number) =>
    openAiError(
      `Request body too large. The maximum size is ${limitBytes} bytes.`,
      "invalid_request_error",
      null,
      "request_too_large",
    ),
  missingApiKey: () =>
    openAiError(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      "invalid_request_error",
      null,
      null,
    ),
  // OpenAI echoes a masked key here; the simulator echoes nothing, so no key ever reaches a log.
  invalidApiKey: () => openAiError("Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key"),
  modelNotFound: (model: string) =>
    openAiError(
      `The model \`${model}\` does not exist or you do not have access to it.`,
      "invalid_request_error",
      null,
      "model_not_found",
    ),
  rateLimited: (model: string, retryAfterMs: number) =>
    openAiError(
      `Rate limit reached for ${model} in organization org-provider-sim on requests per min (RPM): Limit 10000, Used 10000, Requested 1. Please try again in ${retryAfterMs}ms.`,
      "requests",
      null,
      "rate_limit_exceeded",
    ),
  quotaExhausted: () =>
    openAiError(
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
      "insufficient_quota",
      null,
      "insufficient_quota",
    ),
  regionNotSupported: () =>
    openAiError("Country, region, or territory not supported", "request_forbidden", null, "unsupported_country_region_territory"),
  // How OpenAI rejects a prompt its moderation flags (reasoning models, and any model under a stricter policy).
  flaggedPrompt: () =>
    openAiError(
      "Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting",
      "invalid_request_error",
      null,
      "invalid_prompt",
    ),
  badRequest: () =>
    openAiError("Invalid request (injected by provider-sim).", "invalid_request_error", null, null),
  timeout: () => openAiError("Request timed out.", "server_error", null, "timeout"),
  contextLengthExceeded: (contextWindowTokens: number, promptTokens: number) =>
    openAiError(
      `This model's maximum context length is ${contextWindowTokens} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
      "invalid_request_error",
      "messages",
      "context_length_exceeded",
    ),
  serverError: () =>
    openAiError("The server had an error while processing your request. Sorry about that!", "server_error", null, null),
  overloaded: () =>
    openAiError("The engine is currently overloaded, please try again later.", "server_error", null, null),
  routeNotFound: (method: string, path: string) =>
    openAiError(`Invalid URL (${method} ${path})`, "invalid_request_error", null, null),
  methodNotAllowed: (method: string, path: string) =>
    openAiError(`Method ${method} is not allowed on ${path}.`, "invalid_request_error", null, "method_not_allowed"),
} as const;

/** `messages[0].content`, as OpenAI writes parameter paths. */
export function formatParamPath(path: readonly PropertyKey[]): string | null {
  let param = "";
  for (const segment of path) {
    param += typeof segment === "number" ? `[${segment}]` : param === "" ? String(segment) : `.${String(segment)}`;
  }
  return param === "" ? null : param;
}

export interface ValidationIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
}

/** OpenAI's 400 for the first problem in a body: a missing parameter or an invalid one. */
export function invalidRequestError(issue: ValidationIssue | undefined): OpenAiErrorBody {
  const param = formatParamPath(issue?.path ?? []);
  if (!issue || param === null) {
    return openAiError("The request body must be a JSON object.", "invalid_request_error", null, "invalid_type");
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return openAiError(`Missing required parameter: '${param}'.`, "invalid_request_error", param, "missing_required_parameter");
  }
  return openAiError(
    `Invalid '${param}': ${issue.message}.`,
    "invalid_request_error",
    param,
    issue.code === "invalid_type" ? "invalid_type" : "invalid_value",
  );
}
