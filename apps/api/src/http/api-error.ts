import type { ApiErrorBody } from "@switchyard/contracts";

/** Anthropic's documented error types by HTTP status. */
const ANTHROPIC_ERROR_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** An error the API answers with on purpose: a status and the OpenAI-shaped body. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly httpStatus: number,
    readonly type: string,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }

  /** Anthropic's error body (`{type: "error", error: {type, message}}`), for `/v1/messages`. */
  toAnthropicBody(): { type: "error"; error: { type: string; message: string } } {
    return { type: "error", error: { type: ANTHROPIC_ERROR_TYPE_BY_STATUS[this.httpStatus] ?? (this.httpStatus >= 500 ? "api_error" : "invalid_request_error"), message: this.message } };
  }

  static badRequest(message: string, param: string | null = null, code = "invalid_request"): ApiError {
    return new ApiError(400, "invalid_request_error", message, code, param);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, "not_found_error", message, "not_found");
  }

  /** 429; `retryAfterMs` becomes a `retry-after` header in whole seconds (none when waiting cannot help). */
  static tooManyRequests(message: string, code: string, retryAfterMs?: number): ApiError {
    const headers: Record<string, string> = retryAfterMs === undefined ? {} : { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
    return new ApiError(429, "rate_limit_error", message, code, null, headers);
  }

  static unavailable(message: string): ApiError {
    return new ApiError(503, "service_unavailable", message, "service_unavailable", null, { "retry-after": "1" });
  }
}
