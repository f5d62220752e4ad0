import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import type { Router } from "express";
import { QUEUE_NAME_DELIMITER } from "@switchyard/contracts";

export const DASHBOARD_PATH = "/admin/queues";

/** Bull Board over every Switchyard queue, grouped by the queue name's delimiter (tier.*, deployment.*). */
export function bullBoardRouter(queues: Queue[], options: { readOnly?: boolean } = {}): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map(
      (queue) => new BullMQAdapter(queue, { delimiter: QUEUE_NAME_DELIMITER, readOnlyMode: options.readOnly ?? false }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Switchyard" } },
  });
  return serverAdapter.getRouter() as Router;
}
