import type { RequestHandler } from "express";
import { ApiError } from "./api-error.js";

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Bodies must be declared JSON; checked before parsing so a form or text body gets 415, not a parse error. */
export function requireJsonBody(): RequestHandler {
  return (request, _response, next) => {
    const hasBody = request.method === "POST" || request.method === "PUT" || request.method === "PATCH";
    if (hasBody && !JSON_TYPE.test(request.get("content-type") ?? "")) {
      return next(new ApiError(415, "invalid_request_error", "Content-Type must be application/json", "unsupported_media_type"));
    }
    next();
  };
}
