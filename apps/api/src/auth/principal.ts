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
