import type { RequestError } from "@switchyard/contracts";

/**
 * The HTTP status a synchronous caller gets for a request that failed: the caller's fault is 4xx, limits are 429,
 * the fleet's or the providers' failures are 502/503, and a spent deadline is 504.
 */
export function failureStatus(code: RequestError["code"]): number {
  switch (code) {
    case "bad_request":
    case "context_length":
    case "content_filtered":
    case "no_eligible_deployment":
    case "invalid_job":
      return 400;
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
