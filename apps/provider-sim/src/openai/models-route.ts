import type { ServerResponse } from "node:http";
import { sendJson } from "../http-io.js";
import type { SimContext } from "../sim-context.js";

/** A fixed `created` so the listing is byte-for-byte stable. */
const MODEL_CREATED_SECONDS = 1_700_000_000;

/**
 * `GET /v1/models` in OpenAI's list shape: the allowlist when one is configured, otherwise the models that
 * have overrides (the simulator accepts any model then, so the list is only a hint).
 */
export function handleListModels(response: ServerResponse, context: SimContext): void {
  const config = context.state.config;
  const ids = config.allowedModels ?? Object.keys(config.models);
  sendJson(response, 200, {
    object: "list",
    data: ids.map((id) => ({ id, object: "model", created: MODEL_CREATED_SECONDS, owned_by: "provider-sim" })),
  });
}
