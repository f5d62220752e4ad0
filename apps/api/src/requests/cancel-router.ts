import { Router } from "express";
import { isTerminalStatus, REQUEST_ID_PATTERN } from "@switchyard/contracts";
import type { RequestCanceller, RequestStore } from "@switchyard/queue";
import type { Logger } from "@switchyard/logging";
import { canSeeTenant, principalOf } from "../auth/principal.js";
import { ApiError } from "../http/api-error.js";
import { recordView } from "./record-view.js";

export interface CancelRouterDependencies {
  store: RequestStore;
  canceller: RequestCanceller;
  logger: Logger;
}

/** What the record says of a request cancelled here. */
export const CANCELLED_BY_API = "cancelled through POST /v1/requests/:id/cancel";

/**
 * `POST /v1/requests/:id/cancel`: a request that is not yet terminal becomes `cancelled` (exactly once: the same
 * transition script as every outcome), its waiting or delayed jobs are removed, and a provider call in flight is
 * aborted; the answer is the record. A request that already ended is a 409 naming its status; another tenant's is
 * a 404, as if it did not exist. Takes no body, so it is mounted before the JSON checks.
 */
export function cancelRouter(dependencies: CancelRouterDependencies): Router {
  const router = Router();
  const { store, canceller, logger } = dependencies;

  router.post("/requests/:id/cancel", async (request, response) => {
    const id = request.params.id;
    if (!REQUEST_ID_PATTERN.test(id)) throw ApiError.notFound(`no request ${JSON.stringify(id.slice(0, 64))}`);
    const principal = principalOf(response);
    const record = await store.get(id).catch(() => {
      throw ApiError.unavailable("storage is unavailable, retry later");
    });
    // The `submit` scope this needs is checked with every other route's (auth/route-scope.ts).
    if (!record || !canSeeTenant(principal, record.tenant)) throw ApiError.notFound(`no request ${id}`);
    if (isTerminalStatus(record.status)) throw alreadyTerminal(id, record.status);

    const result = await canceller.cancel(id, CANCELLED_BY_API).catch((error: unknown) => {
      logger.warn({ err: error, requestId: id }, "could not cancel a request");
      throw ApiError.unavailable("storage is unavailable, retry later");
    });
    switch (result.outcome) {
      case "missing":
        throw ApiError.notFound(`no request ${id}`);
      case "already_terminal":
        throw alreadyTerminal(id, result.status);
      case "cancelled":
        logger.info({ requestId: id, keyId: principal.keyId, removedJobs: result.removedJobs.map((job) => `${job.queue}/${job.jobId}`) }, "request cancelled");
        response.json(recordView(result.record));
    }
  });

  return router;
}

function alreadyTerminal(id: string, status: string): ApiError {
  return new ApiError(409, "conflict_error", `request ${id} is already ${status}; only a queued or running request can be cancelled`, "already_terminal");
}
