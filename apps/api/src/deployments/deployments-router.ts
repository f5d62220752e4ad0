import { Router } from "express";
import type { DeploymentConfig } from "@switchyard/config";
import type { Logger } from "@switchyard/logging";
import type { CircuitBreakers, RateLimitStore } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";
import { deploymentView } from "./deployment-view.js";

function storageUnavailable(): never {
  throw ApiError.unavailable("storage is unavailable, retry later");
}

export interface DeploymentsRouterDependencies {
  /** Every configured deployment, in config order. */
  deployments: readonly DeploymentConfig[];
  breakers: CircuitBreakers;
  rateLimits: RateLimitStore;
  logger: Logger;
}

/**
 * `GET /deployments`, `GET /deployments/:id`, `POST /deployments/:id/circuit/reset`: what the fleet knows about
 * each deployment right now. None takes a body. Mounted behind the admin check: resetting a circuit lets
 * traffic back to a deployment that was failing.
 */
export function deploymentsRouter(dependencies: DeploymentsRouterDependencies): Router {
  const router = Router();
  const { deployments, breakers, rateLimits, logger } = dependencies;
  const byId = new Map(deployments.map((deployment) => [deployment.id, deployment]));

  const find = (id: string): DeploymentConfig => {
    const deployment = byId.get(id);
    if (!deployment) throw ApiError.notFound(`no deployment ${JSON.stringify(id.slice(0, 64))}`);
    return deployment;
  };

  /** One round trip for the circuits, one more for the rate limits (sent back to back). */
  const views = async (selected: readonly DeploymentConfig[]) => {
    const ids = selected.map((deployment) => deployment.id);
    const [circuits, limits] = await Promise.all([breakers.snapshots(ids), Promise.all(ids.map((id) => rateLimits.get(id)))]).catch(
      storageUnavailable,
    );
    return selected.map((deployment, index) => {
      const circuit = circuits.get(deployment.id);
      if (!circuit) throw new Error(`no circuit snapshot for ${deployment.id}`);
      return deploymentView(deployment, circuit, limits[index]);
    });
  };

  router.get("/deployments", async (_request, response) => {
    response.json({ object: "list", data: await views(deployments) });
  });

  router.get("/deployments/:id", async (request, response) => {
    const [view] = await views([find(request.params.id)]);
    response.json(view);
  });

  router.post("/deployments/:id/circuit/reset", async (request, response) => {
    const deployment = find(request.params.id);
    await breakers.reset(deployment.id).catch(storageUnavailable);
    // Every process reads the circuit from Redis, so the whole fleet sees the reset at once; worth a log line.
    logger.info({ deploymentId: deployment.id }, "circuit reset by an admin");
    const [view] = await views([deployment]);
    response.json(view);
  });

  return router;
}
