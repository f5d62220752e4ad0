import { Router } from "express";
import { z } from "zod";
import type { DeploymentConfig } from "@switchyard/config";
import { ApiError } from "../http/api-error.js";
import { parseOrThrow } from "../http/parse-body.js";
import { readClientRequest } from "../requests/client-formats/read-client-request.js";
import { serveSynchronously, type SyncDependencies } from "./serve-synchronously.js";

export interface CompatRouterDependencies extends SyncDependencies {
  deployments: readonly DeploymentConfig[];
}

/** OpenAI clients send these with their defaults; Switchyard's request has no field for them. */
const openAiDefaultsSchema = z
  .object({ stream: z.boolean().optional(), n: z.literal(1, "only n: 1 is supported").optional() })
  .loose();

/**
 * Drop-in endpoints for existing SDKs: OpenAI's `POST /v1/chat/completions` and `GET /v1/models`, Anthropic's
 * `POST /v1/messages`. `model` may name a deployment, a provider model id, or `auto`. Streaming is not offered
 * yet: `stream: true` is a clear 400.
 */
export function compatRouter(dependencies: CompatRouterDependencies): Router {
  const router = Router();
  const startedAtS = Math.floor(Date.now() / 1000);

  router.get("/models", (_request, response) => {
    const models = [
      { id: "auto", object: "model", created: startedAtS, owned_by: "switchyard" },
      ...dependencies.deployments.map((deployment) => ({ id: deployment.id, object: "model", created: startedAtS, owned_by: deployment.provider })),
    ];
    response.json({ object: "list", data: models });
  });

  router.post("/chat/completions", async (request, response) => {
    const { stream, n: _n, ...body } = parseOrThrow(openAiDefaultsSchema, request.body);
    if (stream === true) throw ApiError.badRequest("stream: streaming is not supported yet; send stream: false", "stream");
    await serveSynchronously(dependencies, response, "openai", readClientRequest("openai", body));
  });

  router.post("/messages", async (request, response) => {
    await serveSynchronously(dependencies, response, "anthropic", readClientRequest("anthropic", request.body));
  });

  return router;
}
