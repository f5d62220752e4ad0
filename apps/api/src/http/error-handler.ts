import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "@switchyard/logging";
import { ApiError } from "./api-error.js";

const ANTHROPIC_MESSAGES_PATH = "/v1/messages";

/** body-parser's errors carry a `type`; map them to the status a caller can act on. */
function fromBodyParser(error: { type?: unknown; status?: unknown; message?: string; expose?: unknown }): ApiError | undefined {
  switch (error.type) {
    case "entity.parse.failed":
      return ApiError.badRequest(`malformed JSON body: ${error.message ?? "parse error"}`, null, "invalid_json");
    case "entity.too.large":
      return new ApiError(413, "invalid_request_error", "request body is too large", "body_too_large");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ApiError(415, "invalid_request_error", "unsupported body encoding or charset; send UTF-8 JSON", "unsupported_encoding");
    case "request.aborted":
      return new ApiError(400, "invalid_request_error", "request body was aborted", "request_aborted");
    case "request.size.invalid":
    case "stream.encoding.set":
      return ApiError.badRequest("invalid request body");
    default:
      return fromClientHttpError(error);
  }
}

/**
 * Any other `http-errors` error with a 4xx status (body-parser's inflate errors for a corrupt gzip body, Express's
 * own checks) is about the caller's input: answer it with that status in our shape instead of a 500.
 */
function fromClientHttpError(error: { status?: unknown; message?: string; expose?: unknown }): ApiError | undefined {
  const status = error.status;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 499) return undefined;
  const message = error.expose === true && error.message ? error.message : "invalid request";
  return new ApiError(status, status === 404 ? "not_found_error" : "invalid_request_error", message, "invalid_request");
}

export function notFoundHandler(): RequestHandler {
  return (request, _response, next) => {
    next(ApiError.notFound(`no route for ${request.method} ${request.path}`));
  };
}

/** The one place errors become HTTP answers: known errors keep their status, anything else is a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const known =
      error instanceof ApiError ? error : typeof error === "object" && error !== null ? fromBodyParser(error as never) : undefined;
    const apiError = known ?? new ApiError(500, "internal_error", "internal error", "internal_error");
    if (!known) logger.error({ err: error, method: request.method, path: request.path }, "unhandled API error");
    if (response.headersSent) return;
    // Anthropic's clients read Anthropic's error shape; everything else speaks OpenAI's.
    const body = request.path === ANTHROPIC_MESSAGES_PATH ? apiError.toAnthropicBody() : apiError.toBody();
    response.status(apiError.httpStatus).set(apiError.headers).json(body);
  };
}
