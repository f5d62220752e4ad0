import type { ApiErrorBody } from "@switchyard/contracts";

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
