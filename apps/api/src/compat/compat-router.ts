import { Router } from "express";
import { z } from "zod";
import type { DeploymentConfig, PoolConfig } from "@switchyard/config";
import { parseOrThrow } from "../http/parse-body.js";
import { readClientRequest } from "../requests/client-formats/read-client-request.js";
import { serveStream, type StreamDependencies } from "./serve-stream.js";
import { serveSynchronously } from "./serve-synchronously.js";

export interface CompatRouterDependencies extends StreamDependencies {
  deployments: readonly DeploymentConfig[];
  /** `config.pools`: listed as models too, since `model` may name one. */
  pools: Readonly<Record<string, PoolConfig>>;
}

/** OpenAI clients send these with their defaults; Switchyard's request has no field for them. */
const openAiDeliverySchema = z
  .object({
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
    n: z.literal(1, "only n: 1 is supported").optional(),
  })
  .loose();

/** Anthropic's `stream`, taken off the body before it is read as a Messages request (which has no such field). */
const anthropicDeliverySchema = z.object({ stream: z.boolean().optional() }).loose();

/**
 * Drop-in endpoints for existing SDKs: OpenAI's `POST /v1/chat/completions` and `GET /v1/models`, Anthropic's
 * `POST /v1/messages`. `model` may name a deployment, a provider model id, a pool, or `auto`. `stream: true` answers with
 * server-sent events in the caller's format (serve-stream.ts); otherwise the caller waits for the whole answer.
 */
export function compatRouter(dependencies: CompatRouterDependencies): Router {
  const router = Router();
  const startedAtS = Math.floor(Date.now() / 1000);

  router.get("/models", (_request, response) => {
    const models = [
      { id: "auto", object: "model", created: startedAtS, owned_by: "switchyard" },
      ...dependencies.deployments.map((deployment) => ({ id: deployment.id, object: "model", created: startedAtS, owned_by: deployment.provider })),
      ...Object.keys(dependencies.pools).map((pool) => ({ id: pool, object: "model", created: startedAtS, owned_by: "switchyard-pool" })),
    ];
    response.json({ object: "list", data: models });
  });

  router.post("/chat/completions", async (request, response) => {
    const { stream, stream_options: streamOptions, n: _n, ...body } = parseOrThrow(openAiDeliverySchema, request.body);
    const chat = readClientRequest("openai", body);
    if (stream === true) {
      await serveStream(dependencies, response, "openai", chat, { includeUsage: streamOptions?.include_usage === true });
    } else {
      await serveSynchronously(dependencies, response, "openai", chat);
    }
  });

  router.post("/messages", async (request, response) => {
    const { stream, ...body } = parseOrThrow(anthropicDeliverySchema, request.body);
    const chat = readClientRequest("anthropic", body);
    if (stream === true) {
      await serveStream(dependencies, response, "anthropic", chat, { includeUsage: false });
    } else {
      await serveSynchronously(dependencies, response, "anthropic", chat);
    }
  });

  return router;
}
