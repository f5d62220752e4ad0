import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { handleChatCompletion } from "./openai-chat-route.js";
import { handleListModels } from "./models-route.js";
import { CONTROL_PATH_PREFIX, handleControl } from "./control-routes.js";
import { OPENAI_ERRORS } from "./openai-errors.js";
import { checkApiKey } from "./check-api-key.js";
import { sendJson } from "./http-io.js";
import type { SimContext } from "./sim-context.js";

/**
 * The simulator's HTTP server: plain `node:http` and a switch on the path, because the benchmark drives it at
 * thousands of requests a second and every microsecond per request shows up there.
 */
export function createSimServer(context: SimContext): Server {
  const server = createServer((request, response) => {
    route(request, response, context).catch((error: unknown) => {
      context.logger.error({ err: error, path: pathOf(request) }, "provider-sim handler failed");
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
  const path = pathOf(request);

  if (path === "/v1/chat/completions") {
    if (method === "POST") return handleChatCompletion(request, response, context);
    return sendJson(response, 405, OPENAI_ERRORS.methodNotAllowed(method, path), { allow: "POST" });
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

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const queryStart = url.indexOf("?");
  return queryStart === -1 ? url : url.slice(0, queryStart);
}
