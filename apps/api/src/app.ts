import express, { type Express } from "express";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "@switchyard/logging";
import { compatRouter } from "./compat/compat-router.js";
import { bullBoardRouter, DASHBOARD_PATH } from "./dashboard/bull-board.js";
import { deploymentsRouter, type DeploymentsRouterDependencies } from "./deployments/deployments-router.js";
import { docsRouter, DOCS_PATH } from "./docs/docs-router.js";
import { errorHandler, notFoundHandler } from "./http/error-handler.js";
import { requireAdmin, type AdminCredentials } from "./http/require-admin.js";
import { requireJsonBody } from "./http/require-json.js";
import { requestsRouter, type RequestsRouterDependencies } from "./requests/requests-router.js";

export interface AppDependencies extends RequestsRouterDependencies, DeploymentsRouterDependencies {
  /** How long the drop-in endpoints wait for an outcome. */
  syncTimeoutMs: number;
  redis: Redis;
  logger: Logger;
  credentials: AdminCredentials;
  bodyLimitBytes: number;
  /** Queues shown in Bull Board. */
  dashboardQueues: Queue[];
}

export function createApp(dependencies: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);

  app.get("/healthz", async (_request, response) => {
    const redisUp = await dependencies.redis
      .ping()
      .then(() => true)
      .catch(() => false);
    response.status(redisUp ? 200 : 503).json({ status: redisUp ? "ok" : "degraded", redis: redisUp ? "up" : "down" });
  });

  app.use(DASHBOARD_PATH, requireAdmin(dependencies.credentials, { challenge: true }), bullBoardRouter(dependencies.dashboardQueues));
  app.use(DOCS_PATH, requireAdmin(dependencies.credentials, { challenge: true }), docsRouter());

  app.use(
    "/v1",
    requireAdmin(dependencies.credentials, { challenge: false }),
    // Takes no bodies, so it comes before the JSON checks: a bare `POST …/circuit/reset` needs no Content-Type.
    deploymentsRouter(dependencies),
    requireJsonBody(),
    express.json({ limit: dependencies.bodyLimitBytes, type: () => true, strict: true }),
    requestsRouter(dependencies),
    compatRouter(dependencies),
  );

  app.use(notFoundHandler());
  app.use(errorHandler(dependencies.logger));
  return app;
}
