import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import type { ApiKeyVerifier } from "./api-key-verifier.js";
import { BOOTSTRAP_PRINCIPAL, READ_ONLY_DASHBOARD_PRINCIPAL, type Principal } from "./principal.js";
import { readCredential, type Credential } from "./read-credential.js";

export interface AuthCredentials {
  /** The bootstrap admin key (`SWITCHYARD_ADMIN_KEY`): Bearer, `x-api-key`, or the dashboard's basic-auth password. */
  adminKey: string;
  dashboardUsername: string;
  /** Basic-auth password for the dashboard when it differs from the admin key. */
  dashboardPassword?: string;
  /** The read-only dashboard login, when configured (`dashboard.readOnlyUsername` + `readOnlyPasswordEnv`). */
  readOnlyDashboard?: { username: string; password: string };
}

export interface AuthenticateOptions {
  /** Answer a failure with a basic-auth challenge, so a browser can open the page directly. */
  challenge: boolean;
  /** Accept the read-only dashboard login (only where the dashboard and docs are mounted). */
  dashboard: boolean;
}

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/** Compares against `expected`'s digest, taken once: every request is checked against the bootstrap key first. */
function secretMatcher(expected: string): (given: string) => boolean {
  const expectedDigest = digest(expected);
  // Hash first so the comparison takes the same time whatever the lengths.
  return (given) => timingSafeEqual(digest(given), expectedDigest);
}

interface SecretMatchers {
  adminKey(given: string): boolean;
  dashboardPassword(given: string): boolean;
  readOnlyPassword?(given: string): boolean;
}

function secretMatchers(credentials: AuthCredentials): SecretMatchers {
  const adminKey = secretMatcher(credentials.adminKey);
  const readOnly = credentials.readOnlyDashboard;
  return {
    adminKey,
    dashboardPassword: credentials.dashboardPassword === undefined ? adminKey : secretMatcher(credentials.dashboardPassword),
    ...(readOnly ? { readOnlyPassword: secretMatcher(readOnly.password) } : {}),
  };
}

/**
 * Who is calling, or undefined when the credential is not valid. The bootstrap admin key is compared first (so it
 * keeps working whatever it looks like), then the dashboard logins, then tenant keys (one Redis lookup, cached).
 * A basic-auth password may also be a tenant key, for browsers.
 */
async function identify(
  credential: Credential,
  credentials: AuthCredentials,
  matches: SecretMatchers,
  verifier: ApiKeyVerifier,
  options: AuthenticateOptions,
): Promise<Principal | undefined> {
  if (credential.kind === "key") {
    if (matches.adminKey(credential.key)) return BOOTSTRAP_PRINCIPAL;
    return verifier.verify(credential.key);
  }
  const { username, password } = credential;
  if (username === credentials.dashboardUsername && matches.dashboardPassword(password)) {
    return BOOTSTRAP_PRINCIPAL;
  }
  const readOnly = credentials.readOnlyDashboard;
  if (options.dashboard && readOnly && username === readOnly.username && matches.readOnlyPassword?.(password)) {
    return READ_ONLY_DASHBOARD_PRINCIPAL;
  }
  return verifier.verify(password);
}

/**
 * Authentication for everything but /healthz: sets `response.locals.principal` (read with `principalOf`) or answers
 * 401. It only says who the caller is; what they may do is `requireScope`'s and the routes' business.
 */
export function authenticate(credentials: AuthCredentials, verifier: ApiKeyVerifier, options: AuthenticateOptions): RequestHandler {
  const matches = secretMatchers(credentials);
  return async (request, response, next) => {
    const credential = readCredential(request);
    let principal: Principal | undefined;
    if (credential) {
      try {
        principal = await identify(credential, credentials, matches, verifier, options);
      } catch {
        throw ApiError.unavailable("storage is unavailable, retry later");
      }
    }
    if (principal) {
      response.locals.principal = principal;
      return next();
    }
    if (options.challenge) response.set("www-authenticate", 'Basic realm="Switchyard", charset="UTF-8"');
    throw new ApiError(
      401,
      "authentication_error",
      credential ? "invalid or revoked API key" : "missing credentials: send Authorization: Bearer <key> or x-api-key: <key>",
      "invalid_api_key",
    );
  };
}
