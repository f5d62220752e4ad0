import type { IncomingMessage, ServerResponse } from "node:http";
import helmet, { type HelmetOptions } from "helmet";
import type { RequestHandler } from "express";

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      upgradeInsecureRequests: null,
    },
  },
};

/**
 * The headers helmet sets with `options`, found by running it once against a response that only records them. With
 * static options (no per-request directive functions, no nonces) they are the same on every answer.
 */
export function helmetHeaders(options: HelmetOptions): ReadonlyMap<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let ran = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => (ran = true));
  if (!ran) throw new Error("helmet did not finish synchronously; its headers cannot be computed once");
  return headers;
}

/**
 * helmet's headers on every answer: the API's JSON, Bull Board and the docs pages. helmet's default
 * Content-Security-Policy already suits both UIs: their scripts are files served from here (script-src 'self'; the
 * API reference's initializer is a file for that reason), Bull Board's config is a JSON data block (not executed),
 * and both use inline styles, which the default style-src allows. `upgrade-insecure-requests` is left out: a
 * dashboard opened over plain http on a LAN address would otherwise ask the browser for its assets over https.
 *
 * The headers are computed once and set by one middleware: helmet's twelve middlewares per request were a
 * measurable share of the API's CPU in the throughput benchmark.
 */
export function securityHeaders(): RequestHandler {
  const headers = [...helmetHeaders(HELMET_OPTIONS)];
  return (_request, response, next) => {
    for (const [name, value] of headers) response.setHeader(name, value);
    next();
  };
}

/**
 * Bull Board runs as its own Express app, which sets `X-Powered-By` again after helmet removed it. Removing it when
 * the headers are written covers any sub-app; mounted on the dashboard path only, to keep it off the hot path.
 */
export function hidePoweredBy(): RequestHandler {
  return (_request, response, next) => {
    const writeHead = response.writeHead;
    response.writeHead = function (this: typeof response, ...args: Parameters<typeof writeHead>) {
      this.removeHeader("x-powered-by");
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  };
}
