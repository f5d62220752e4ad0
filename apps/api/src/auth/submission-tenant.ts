import { ApiError } from "../http/api-error.js";
import { hasScope, type Principal } from "./principal.js";

/**
 * The tenant a submitted request belongs to: the key's own. Only an admin key may submit for another tenant by naming
 * it in the body (`tenant`), as the bootstrap key always could; any other key naming a tenant not its own is refused.
 */
export function submissionTenant(principal: Principal, requested: string | undefined): string {
  if (requested === undefined || requested === principal.tenant) return principal.tenant;
  if (hasScope(principal, "admin")) return requested;
  throw new ApiError(
    403,
    "permission_error",
    `tenant: this API key belongs to tenant "${principal.tenant}" and cannot submit for "${requested}"; omit tenant or send "${principal.tenant}"`,
    "tenant_mismatch",
    "tenant",
  );
}
