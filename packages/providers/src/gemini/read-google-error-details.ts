import { parseProtobufDurationMs } from "./parse-protobuf-duration.js";

/** What Switchyard reads from a google.rpc.Status's typed `details` (google/rpc/error_details.proto). */
export interface GoogleErrorDetails {
  /** `google.rpc.RetryInfo.retryDelay`, in milliseconds. */
  retryDelayMs?: number;
  /** `google.rpc.ErrorInfo.reason`, e.g. API_KEY_INVALID, RATE_LIMIT_EXCEEDED. */
  reason?: string;
  /** `google.rpc.QuotaFailure` violations. */
  quotaViolations: QuotaViolation[];
}

export interface QuotaViolation {
  /** e.g. "GenerateRequestsPerDayPerProjectPerModel-FreeTier". */
  quotaId?: string;
  quotaMetric?: string;
  /** The limit that was hit (an int64, so a string in JSON). */
  quotaValue?: string;
}

const TYPE_PREFIX = "type.googleapis.com/";

export function readGoogleErrorDetails(details: ReadonlyArray<Record<string, unknown>> | null | undefined): GoogleErrorDetails {
  const result: GoogleErrorDetails = { quotaViolations: [] };
  for (const detail of details ?? []) {
    const type = typeof detail["@type"] === "string" ? detail["@type"].replace(TYPE_PREFIX, "") : undefined;
    if (type === "google.rpc.RetryInfo") {
      const delayMs = parseProtobufDurationMs(detail.retryDelay);
      if (delayMs !== undefined) result.retryDelayMs = delayMs;
    } else if (type === "google.rpc.ErrorInfo" && typeof detail.reason === "string") {
      result.reason = detail.reason;
    } else if (type === "google.rpc.QuotaFailure" && Array.isArray(detail.violations)) {
      for (const violation of detail.violations as unknown[]) {
        if (typeof violation !== "object" || violation === null) continue;
        const { quotaId, quotaMetric, quotaValue } = violation as Record<string, unknown>;
        result.quotaViolations.push({
          ...(typeof quotaId === "string" ? { quotaId } : {}),
          ...(typeof quotaMetric === "string" ? { quotaMetric } : {}),
          ...(typeof quotaValue === "string" || typeof quotaValue === "number" ? { quotaValue: String(quotaValue) } : {}),
        });
      }
    }
  }
  return result;
}
