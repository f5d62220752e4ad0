import type { Response } from "express";

/** What an API key may do. `admin` implies the others, across every tenant. */
export const SCOPES = ["submit", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: set on `response.locals.principal` by the authentication middleware, read by every route. */
export interface Principal {
  /** The key's id (never its secret); `bootstrap` for the admin key from the environment. */
  keyId: string;
  /** The tenant the key belongs to; requests it submits and reads are this tenant's. */
  tenant: string;
  scopes: readonly Scope[];
}

/** The bootstrap admin key from `SWITCHYARD_ADMIN_KEY`: every scope over every tenant; submits as `default` by default. */
export const BOOTSTRAP_PRINCIPAL: Principal = { keyId: "bootstrap", tenant: "default", scopes: ["admin"] };

/**
 * The configured read-only dashboard login (`dashboard.readOnlyUsername`): Bull Board in read-only mode and nothing
 * else. It is accepted only where the dashboard is mounted, so it never reaches the `/v1` routes.
 */
export const READ_ONLY_DASHBOARD_PRINCIPAL: Principal = { keyId: "dashboard-read-only", tenant: "default", scopes: ["read"] };

export function principalOf(response: Response): Principal {
  const principal = (response.locals as { principal?: Principal }).principal;
  if (!principal) throw new Error("no principal on this request: the route is not behind authentication");
  return principal;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

/** Whether the caller may see a record, batch or webhook of `tenant` (otherwise: 404, never 403). */
export function canSeeTenant(principal: Principal, tenant: string): boolean {
  return principal.scopes.includes("admin") || principal.tenant === tenant;
}
