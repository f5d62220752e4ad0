import type { RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import { hasScope, principalOf, type Scope } from "./principal.js";
import { requiredScope } from "./route-scope.js";

export function missingScope(scope: Scope, what: string): ApiError {
  return new ApiError(403, "permission_error", `this API key lacks the "${scope}" scope, which ${what} needs`, "missing_scope");
}

/** 403 unless the caller's key has `scope` (`admin` has every scope). Behind `authenticate`. */
export function requireScope(scope: Scope): RequestHandler {
  return (request, response, next) => {
    if (!hasScope(principalOf(response), scope)) throw missingScope(scope, `${request.method} ${request.originalUrl.split("?")[0]}`);
    next();
  };
}

/** `requireScope` with the scope each `/v1` route needs (see `requiredScope`). */
export function requireRouteScope(): RequestHandler {
  return (request, response, next) => {
    const scope = requiredScope(request.method, request.path);
    if (!hasScope(principalOf(response), scope)) throw missingScope(scope, `${request.method} /v1${request.path}`);
    next();
  };
}
