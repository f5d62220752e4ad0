import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { handleGeneration } from "./generation/handle-generation.js";
import { OPENAI_CHAT_FORMAT } from "./openai/openai-format.js";
import { OPENAI_ERRORS } from "./openai/openai-errors.js";
import { checkApiKey } from "./openai/check-api-key.js";
import { handleListModels } from "./openai/models-route.js";
import { ANTHROPIC_MESSAGES_FORMAT } from "./anthropic/anthropic-format.js";
import { anthropicError } from "./anthropic/anthropic-errors.js";
import { geminiFormat } from "./gemini/gemini-format.js";
import { GEMINI_PATH_PREFIXES, parseGeminiRoute } from "./gemini/gemini-route.js";
import { googleError } from "./gemini/gemini-errors.js";
import { CONTROL_PATH_PREFIX, handleControl } from "./control-routes.js";
import { sendJson } from "./http-io.js";
import type { SimContext } from "./sim-context.js";

/**
 * The simulator's HTTP server: plain `node:http` and a switch on the path, because the benchmark drives it at
 * thousands of requests a second and every microsecond per request shows up there.
 */
export function createSimServer(context: SimContext): Server {
  const server = createServer((request, response) => {
    route(request, response, context).catch((error: unknown) => {
      context.logger.error({ err: error, path: splitUrl(request).path }, "provider-sim handler failed");
      if (!response.headersSent) {
        sendJson(response, 500, OPENAI_ERRORS.serverError());
      } else {
        response.destroy();
      }
    });
  });
  // Longer than undici's default keep-alive (4 s), so a pooled client never writes to a socket being closed.
  server.keepAliveTimeout = 65_000;
  return server;
}

async function route(request: IncomingMessage, response: ServerResponse, context: SimContext): Promise<void> {
  const method = request.method ?? "GET";
  const { path, query } = splitUrl(request);

  if (path === "/v1/chat/completions") {
    if (method === "POST") return handleGeneration(request, response, context, OPENAI_CHAT_FORMAT);
    return sendJson(response, 405, OPENAI_ERRORS.methodNotAllowed(method, path), { allow: "POST" });
  }
  if (path === "/v1/messages") {
    if (method === "POST") return handleGeneration(request, response, context, ANTHROPIC_MESSAGES_FORMAT);
    const body = anthropicError("invalid_request_error", `Method ${method} is not allowed on ${path}.`);
    return sendJson(response, 405, body, { allow: "POST" });
  }
  if (GEMINI_PATH_PREFIXES.some((prefix) => path.startsWith(prefix))) {
    const geminiRoute = parseGeminiRoute(path, query);
    if (geminiRoute && method === "POST") return handleGeneration(request, response, context, geminiFormat(geminiRoute));
    const { status, body } = googleError(404, "NOT_FOUND", `Method not found: ${method} ${path}`);
    return sendJson(response, status, body, { "content-type": "application/json; charset=UTF-8" });
  }
  if (path === "/v1/models" && method === "GET") {
    const authError = checkApiKey(request, context.state.config.requireApiKey);
    if (authError) return sendJson(response, 401, authError);
    return handleListModels(response, context);
  }
  if (path === "/healthz" && method === "GET") return sendJson(response, 200, { status: "ok" });
  if (path.startsWith(CONTROL_PATH_PREFIX)) return handleControl(request, response, path, context);
  sendJson(response, 404, OPENAI_ERRORS.routeNotFound(method, path));
}

function splitUrl(request: IncomingMessage): { path: string; query: string } {
  const url = request.url ?? "/";
  const queryStart = url.indexOf("?");
  return queryStart === -1 ? { path: url, query: "" } : { path: url.slice(0, queryStart), query: url.slice(queryStart + 1) };
}
