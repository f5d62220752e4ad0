import express, { type Express } from "express";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "@switchyard/logging";
import { compatRouter, type CompatRouterDependencies } from "./compat/compat-router.js";
import { adminRouter, type AdminRouterDependencies } from "./admin/admin-router.js";
import type { ApiKeyVerifier } from "./auth/api-key-verifier.js";
import { authenticate, type AuthCredentials } from "./auth/authenticate.js";
import { requireRouteScope } from "./auth/require-scope.js";
import { dashboardRouter, DASHBOARD_PATH } from "./dashboard/bull-board.js";
import { deploymentsRouter, type DeploymentsRouterDependencies } from "./deployments/deployments-router.js";
import { docsRouter, DOCS_PATH } from "./docs/docs-router.js";
import { accessLog } from "./http/access-log.js";
import { errorHandler, notFoundHandler } from "./http/error-handler.js";
import { rejectDeepJson } from "./http/json-depth.js";
import { hidePoweredBy, securityHeaders } from "./http/security-headers.js";
import { openApiRouter } from "./openapi/openapi-router.js";
import { requireJsonBody } from "./http/require-json.js";
import { requestsRouter, type RequestsRouterDependencies } from "./requests/requests-router.js";
import { cancelRouter, type CancelRouterDependencies } from "./requests/cancel-router.js";
import { webhooksRouter, type WebhooksRouterDependencies } from "./webhooks/webhooks-router.js";

export interface AppDependencies
  extends RequestsRouterDependencies,
    DeploymentsRouterDependencies,
    AdminRouterDependencies,
    WebhooksRouterDependencies,
    CompatRouterDependencies,
    CancelRouterDependencies {
  /** How long the drop-in endpoints wait for an outcome. */
  syncTimeoutMs: number;
  redis: Redis;
  logger: Logger;
  credentials: AuthCredentials;
  /** Tenant API keys, verified with a short positive cache. */
  keyVerifier: ApiKeyVerifier;
  bodyLimitBytes: number;
  /** Queues shown in Bull Board. */
  dashboardQueues: Queue[];
}

export function createApp(dependencies: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(securityHeaders());
  if (dependencies.logger.isLevelEnabled("debug")) app.use(accessLog(dependencies.logger));

  app.get("/healthz", async (_request, response) => {
    const redisUp = await dependencies.redis
      .ping()
      .then(() => true)
      .catch(() => false);
    response.status(redisUp ? 200 : 503).json({ status: redisUp ? "ok" : "degraded", redis: redisUp ? "up" : "down" });
  });

  // Public: the OpenAPI document and the API reference page over it (see openapi-router.ts).
  app.use(openApiRouter());

  const { credentials, keyVerifier } = dependencies;
  app.use(DASHBOARD_PATH, hidePoweredBy());
  app.use(DASHBOARD_PATH, authenticate(credentials, keyVerifier, { challenge: true, dashboard: true }), dashboardRouter(dependencies.dashboardQueues));
  app.use(DOCS_PATH, authenticate(credentials, keyVerifier, { challenge: true, dashboard: true }), docsRouter());

  app.use(
    "/v1",
    authenticate(credentials, keyVerifier, { challenge: false, dashboard: false }),
    // The scope each route needs (admin for /admin/* and circuit resets, read for reads, submit for the rest).
    requireRouteScope(),
    // Takes no bodies, so it comes before the JSON checks: a bare `POST …/circuit/reset` needs no Content-Type.
    deploymentsRouter(dependencies),
    // Mostly bodiless POSTs (enable, redeliver); its one route with a body runs the same JSON checks itself.
    webhooksRouter(dependencies),
    // `POST /requests/:id/cancel` takes no body either.
    cancelRouter(dependencies),
    requireJsonBody(),
    express.json({ limit: dependencies.bodyLimitBytes, type: () => true, strict: true, verify: rejectDeepJson() }),
    requestsRouter(dependencies),
    compatRouter(dependencies),
    adminRouter(dependencies),
  );

  app.use(notFoundHandler());
  app.use(errorHandler(dependencies.logger));
  return app;
}
