import type { TenantLimits } from "@switchyard/config";
import type { FleetRateLimiter } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";

/** A tenant's budgets are per minute. */
const TENANT_WINDOW_MS = 60_000;
/** Tenants have no in-flight cap here; the lease only exists because the limiter's acquire takes one. */
const NO_CONCURRENCY_CAP = 1_000_000_000;

export interface TenantBudgetDependencies {
  tenantLimiter: FleetRateLimiter;
  /** `config.tenants`: per-tenant limits, `default` for tenants not listed. */
  tenantLimits: Readonly<Record<string, TenantLimits>>;
}

/**
 * Charges one request and its tokens (estimated input + the output it asks for) to the tenant's per-minute budget,
 * fleet-wide, before anything is accepted; over budget is a 429 with `retry-after`, so one tenant's flood cannot
 * crowd out the others. A tenant without limits (and no `default`) is not limited.
 */
export async function chargeTenantBudget(dependencies: TenantBudgetDependencies, tenant: string, tokens: number): Promise<void> {
  const limits = dependencies.tenantLimits[tenant] ?? dependencies.tenantLimits.default;
  if (limits?.rpm === undefined && limits?.tpm === undefined) return;
  let grant;
  try {
    grant = await dependencies.tenantLimiter.acquire(
      tenant,
      { ...limits, concurrency: NO_CONCURRENCY_CAP, windowMs: TENANT_WINDOW_MS },
      tokens,
      1,
    );
  } catch {
    throw ApiError.unavailable("storage is unavailable; the request was not accepted, retry later");
  }
  if (grant.granted) return;
  if (grant.exceedsWholeBudget) {
    throw ApiError.tooManyRequests(
      `the request's ${tokens} tokens exceed tenant ${tenant}'s budget of ${limits.tpm} tokens per minute`,
      "tenant_token_budget_exceeded",
    );
  }
  const budget = grant.limitedBy === "tokens" ? `${limits.tpm} tokens` : `${limits.rpm} requests`;
  throw ApiError.tooManyRequests(`tenant ${tenant} is over its budget of ${budget} per minute; retry later`, "tenant_rate_limited", grant.waitMs);
}
