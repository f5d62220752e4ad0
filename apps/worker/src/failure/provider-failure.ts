import { UnrecoverableError } from "bullmq";
import { ProviderError, type ProviderErrorData, type RequestError } from "@switchyard/contracts";

/** What the queue should do about a failed provider call. */
export type FailureAction = { kind: "fail_request"; error: RequestError; providerError?: ProviderErrorData };

/**
 * The single place that turns a provider failure into queue behaviour. For now every failure ends the
 * request with the provider's error recorded; the fallback cascade replaces this decision table.
 */
export function decideFailure(error: unknown, deploymentId: string): FailureAction {
  if (ProviderError.is(error)) {
    const data = error.data;
    return {
      kind: "fail_request",
      providerError: data,
      error: {
        code: data.kind,
        message: data.message,
        deploymentId,
        ...(data.httpStatus !== undefined ? { httpStatus: data.httpStatus } : {}),
      },
    };
  }
  return {
    kind: "fail_request",
    error: { code: "internal", message: error instanceof Error ? error.message : String(error), deploymentId },
  };
}

/** The BullMQ side of a final failure: fail the job without retries, so it shows in Bull Board as failed. */
export function toQueueError(action: FailureAction): Error {
  return new UnrecoverableError(`${action.error.code}: ${action.error.message}`);
}
