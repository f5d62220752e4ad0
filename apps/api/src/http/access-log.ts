import type { RequestHandler } from "express";
import type { Logger } from "@switchyard/logging";

/**
 * A debug-level line per answered request: method, path, status, duration, the request's headers and its parsed
 * body. The logger redacts credentials always and the body's prompt text unless `SWITCHYARD_LOG_PROMPTS=true`, so
 * this is the switch's debugging aid. Installed only when debug is enabled (see app.ts): at `info` the hot path pays
 * nothing for it.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const startedAtMs = performance.now();
    response.once("finish", () => {
      logger.debug(
        {
          method: request.method,
          path: request.path,
          status: response.statusCode,
          durationMs: Math.round((performance.now() - startedAtMs) * 10) / 10,
          headers: request.headers,
          body: request.body as unknown,
        },
        "http request",
      );
    });
    next();
  };
}
