import type { RequestError } from "@switchyard/contracts";
import { ApiError } from "../http/api-error.js";

/**
 * The HTTP status a synchronous caller gets for a request that failed: the caller's fault is 4xx, limits are 429,
 * the fleet's or the providers' failures are 502/503, a spent deadline is 504, and a request cancelled meanwhile
 * (through `POST /v1/requests/:id/cancel`) is 409.
 */
export function failureStatus(code: RequestError["code"]): number {
  switch (code) {
    case "bad_request":
    case "context_length":
    case "content_filtered":
    case "no_eligible_deployment":
    case "invalid_job":
      return 400;
    case "cancelled":
      return 409;
    case "rate_limited":
    case "quota_exhausted":
    case "no_capacity":
      return 429;
    case "circuit_open":
    case "overloaded":
      return 503;
    case "deadline_exceeded":
    case "timeout":
      return 504;
    default:
      return 502;
  }
}

/** A failed (or cancelled) request's error as the API error a drop-in caller gets, plain or mid-stream. */
export function requestFailure(error: RequestError | undefined): ApiError {
  const { code, message } = error ?? { code: "internal" as const, message: "failed" };
  const status = failureStatus(code);
  const type = status === 400 ? "invalid_request_error" : status === 429 ? "rate_limit_error" : status === 409 ? "conflict_error" : "api_error";
  return new ApiError(status, type, message, code);
}
