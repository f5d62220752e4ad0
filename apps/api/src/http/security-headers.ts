import helmet from "helmet";
import type { RequestHandler } from "express";

/**
 * helmet's headers on every answer: the API's JSON, Bull Board and the docs pages. helmet's default
 * Content-Security-Policy already suits both UIs: their scripts are files served from here (script-src 'self'; the
 * API reference's initializer is a file for that reason), Bull Board's config is a JSON data block (not executed),
 * and both use inline styles, which the default style-src allows. `upgrade-insecure-requests` is left out: a
 * dashboard opened over plain http on a LAN address would otherwise ask the browser for its assets over https.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: null,
      },
    },
  });
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
