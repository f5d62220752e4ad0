import type { Response } from "express";
import type { RequestCanceller } from "@switchyard/queue";
import type { Logger } from "@switchyard/logging";

/** The reason a request of a caller that went away is cancelled with (the record's error message). */
export const CLIENT_DISCONNECTED = "client_disconnected";

/**
 * Aborts when the caller closes the connection before its answer was written in full. (`close` also fires after
 * a complete answer; that one is not a departure.)
 */
export function watchCaller(response: Response): AbortSignal {
  const gone = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}

/**
 * A drop-in caller that leaves before its outcome takes the work with it: nobody else is waiting for the answer
 * (the request was never given to anyone but this connection), so the request is cancelled like
 * `POST /v1/requests/:id/cancel` would, aborting a provider call in flight. Best effort: a failure is logged.
 */
export function cancelForDepartedCaller(dependencies: { canceller: RequestCanceller; logger: Logger }, requestId: string): void {
  dependencies.canceller
    .cancel(requestId, CLIENT_DISCONNECTED)
    .then((result) => {
      if (result.outcome === "cancelled") dependencies.logger.info({ requestId, removedJobs: result.removedJobs.length }, "caller disconnected: request cancelled");
    })
    .catch((error: unknown) => dependencies.logger.warn({ err: error, requestId }, "could not cancel the request of a disconnected caller"));
}
