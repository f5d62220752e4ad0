import type { Scope } from "./principal.js";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The scope a `/v1` route needs, from its method and path (relative to `/v1`): everything under `/admin` and every
 * change to a deployment (resetting a circuit) needs `admin`; other reads need `read`; other writes (submitting,
 * cancelling, registering a webhook) need `submit`. One table for every router, so a route added later is covered by
 * default; a route that needs more can add `requireScope` itself.
 */
export function requiredScope(method: string, path: string): Scope {
  if (path === "/admin" || path.startsWith("/admin/")) return "admin";
  const reading = READ_METHODS.has(method.toUpperCase());
  if (!reading && (path === "/deployments" || path.startsWith("/deployments/"))) return "admin";
  return reading ? "read" : "submit";
}
