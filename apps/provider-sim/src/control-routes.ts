import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { parseJson, readBody, sendJson } from "./http-io.js";
import { OPENAI_ERRORS, formatParamPath, openAiError } from "./openai/openai-errors.js";
import type { SimConfig } from "./sim-config.js";
import type { SimContext } from "./sim-context.js";

export const CONTROL_PATH_PREFIX = "/_sim/";

const CONTROL_ROUTES: Record<string, readonly string[]> = {
  "/_sim/config": ["GET", "PUT", "PATCH"],
  "/_sim/stats": ["GET"],
  "/_sim/reset": ["POST"],
};

/**
 * The runtime control API, for tests and chaos runs. It is never behind `requireApiKey`: the simulator is a
 * test double and listens on 127.0.0.1 by default.
 *
 * - `GET /_sim/config`: the live config.
 * - `PUT /_sim/config`: replace it (a `SimConfigInput`; omitted fields take their defaults).
 * - `PATCH /_sim/config`: replace only the top-level fields given.
 * - `GET /_sim/stats`: request counts per model and per status, and the faults that fired.
 * - `POST /_sim/reset`: back to the start config, stats and rate-limit windows cleared.
 */
export async function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  context: SimContext,
): Promise<void> {
  const method = request.method ?? "GET";
  const allowed = CONTROL_ROUTES[path];
  if (!allowed) return sendJson(response, 404, OPENAI_ERRORS.routeNotFound(method, path));
  if (!allowed.includes(method)) {
    return sendJson(response, 405, OPENAI_ERRORS.methodNotAllowed(method, path), { allow: allowed.join(", ") });
  }
  const { state, logger } = context;

  if (path === "/_sim/stats") return sendJson(response, 200, state.stats.snapshot());
  if (path === "/_sim/reset") {
    state.reset();
    logger.info({ config: loggable(state.config) }, "sim config and stats reset");
    return sendJson(response, 200, { config: state.config, stats: state.stats.snapshot() });
  }
  if (method === "GET") return sendJson(response, 200, state.config);

  const body = await readBody(request, context.bodyLimitBytes);
  if (!body.ok) {
    if (body.reason === "aborted") return;
    return sendJson(response, 413, OPENAI_ERRORS.bodyTooLarge(context.bodyLimitBytes), { connection: "close" });
  }
  const json = parseJson(body.text);
  if (json === undefined) return sendJson(response, 400, OPENAI_ERRORS.invalidJson());
  try {
    const config = method === "PUT" ? state.replaceConfig(json) : state.patchConfig(json);
    logger.info({ config: loggable(config) }, method === "PUT" ? "sim config replaced" : "sim config patched");
    sendJson(response, 200, config);
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    sendJson(response, 400, {
      ...openAiError(z.prettifyError(error), "invalid_request_error", formatParamPath(error.issues[0]?.path ?? []), "invalid_config"),
      issues: error.issues.map((issue) => ({ path: formatParamPath(issue.path), message: issue.message })),
    });
  }
}

/** The config as logged: the required API key is a secret even in a simulator. */
export function loggable(config: SimConfig): Omit<SimConfig, "requireApiKey"> & { requireApiKey?: string } {
  return config.requireApiKey === undefined ? config : { ...config, requireApiKey: "[redacted]" };
}
