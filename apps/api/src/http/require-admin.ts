import { timingSafeEqual, createHash } from "node:crypto";
import type { RequestHandler } from "express";
import type { Principal } from "../auth/principal.js";
import { ApiError } from "./api-error.js";

export interface AdminCredentials {
  /** Accepted as `Authorization: Bearer <key>`, as `x-api-key`, and as the basic-auth password. */
  adminKey: string;
  dashboardUsername: string;
  /** Basic-auth password for the dashboard when it differs from the admin key. */
  dashboardPassword?: string;
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function parseBasic(value: string): { username: string; password: string } | undefined {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Everything but /healthz needs the admin key until tenant keys exist. Browsers get a basic-auth challenge
 * so Bull Board can be opened directly.
 */
export function requireAdmin(credentials: AdminCredentials, options: { challenge: boolean }): RequestHandler {
  return (request, response, next) => {
    const header = request.get("authorization") ?? "";
    const space = header.indexOf(" ");
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    // Anthropic's clients send the key as `x-api-key`.
    const apiKey = request.get("x-api-key");
    let allowed = false;
    if (apiKey !== undefined) {
      allowed = sameSecret(apiKey, credentials.adminKey);
    } else if (scheme === "bearer") {
      allowed = sameSecret(value, credentials.adminKey);
    } else if (scheme === "basic") {
      const basic = parseBasic(value);
      const password = credentials.dashboardPassword ?? credentials.adminKey;
      allowed = basic !== undefined && basic.username === credentials.dashboardUsername && sameSecret(basic.password, password);
    }
    if (allowed) {
      // Until tenant keys exist, the bootstrap admin key is the only principal.
      response.locals.principal = { keyId: "bootstrap", tenant: "default", scopes: ["admin"] } satisfies Principal;
      return next();
    }
    if (options.challenge) response.set("www-authenticate", 'Basic realm="Switchyard", charset="UTF-8"');
    next(
      new ApiError(
        401,
        "authentication_error",
        header || apiKey !== undefined ? "invalid credentials" : "missing credentials: send Authorization: Bearer <key>",
        "invalid_api_key",
      ),
    );
  };
}
