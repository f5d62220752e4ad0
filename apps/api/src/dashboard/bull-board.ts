import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import { Router } from "express";
import { QUEUE_NAME_DELIMITER } from "@switchyard/contracts";
import { ApiError } from "../http/api-error.js";
import { hasScope, principalOf, READ_ONLY_DASHBOARD_PRINCIPAL } from "../auth/principal.js";

export const DASHBOARD_PATH = "/admin/queues";

const READ_METHODS = new Set(["GET", "HEAD"]);

/** Bull Board over every Switchyard queue, grouped by the queue name's delimiter (tier.*, deployment.*). */
export function bullBoardRouter(queues: Queue[], options: { readOnly?: boolean } = {}): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  const readOnlyMode = options.readOnly ?? false;
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { delimiter: QUEUE_NAME_DELIMITER, readOnlyMode })),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? "Switchyard (read-only)" : "Switchyard" } },
  });
  return serverAdapter.getRouter() as Router;
}

/**
 * The dashboard, behind `authenticate`: admins get the full Bull Board; the configured read-only login gets the same
 * board in Bull Board's read-only mode (its queues refuse every action with 405), and, so that no action route can be
 * missed, any request of theirs that is not a read is refused here with 403 first. Tenant keys without `admin` are
 * refused: jobs carry every tenant's prompts, so the board is an operator's view, not a tenant's.
 */
export function dashboardRouter(queues: Queue[]): Router {
  const full = bullBoardRouter(queues);
  const readOnly = bullBoardRouter(queues, { readOnly: true });
  const router = Router();
  router.use((request, response, next) => {
    const principal = principalOf(response);
    if (hasScope(principal, "admin")) return full(request, response, next);
    if (principal.keyId === READ_ONLY_DASHBOARD_PRINCIPAL.keyId) {
      if (!READ_METHODS.has(request.method)) {
        throw new ApiError(403, "permission_error", "the read-only dashboard login cannot change queues or jobs", "read_only_dashboard");
      }
      return readOnly(request, response, next);
    }
    throw new ApiError(403, "permission_error", "the dashboard needs an admin key or the dashboard login", "missing_scope");
  });
  return router;
}
