import type { Classification, ChatRequest } from "@switchyard/contracts";
import type { DeploymentConfig, ScoringWeights, SwitchyardConfig, TenantLimits } from "@switchyard/config";
import type { Logger } from "@switchyard/logging";
import type { TenantBudgets } from "@switchyard/queue";
import { costUsd, selectDeployments } from "@switchyard/routing";
import { ApiError } from "../http/api-error.js";

export interface MonthlyBudgetDependencies {
  budgets: TenantBudgets;
  /** `config.tenants`: `monthlyBudgetUsd` per tenant, `default` for tenants not listed. */
  tenantLimits: Readonly<Record<string, TenantLimits>>;
  /** What the router may choose from, to price a request's worst case. */
  routing: { deployments: readonly DeploymentConfig[]; tiers: SwitchyardConfig["tiers"]; weights: ScoringWeights };
  logger: Logger;
}

/** A tenant's configured monthly budget: its own entry's (a listed tenant's entry replaces `default`), else none. */
export function configuredMonthlyBudgetUsd(tenantLimits: Readonly<Record<string, TenantLimits>>, tenant: string): number | undefined {
  return (tenantLimits[tenant] ?? tenantLimits.default)?.monthlyBudgetUsd;
}

/**
 * The most a request can cost: its estimated input plus its output budget (`max_tokens`, else the deployment's
 * default) at the dearest deployment that could serve it. The cascade may fall back to any deployment the request's
 * hard constraints allow (not only one it named), so every one of them is priced, as `startRound` builds its pool.
 * Zero when none is eligible (the request will fail without a call).
 */
export function worstCaseCostUsd(routing: MonthlyBudgetDependencies["routing"], request: ChatRequest, classification: Classification): number {
  const policy = routing.tiers[classification.tier];
  const selection = selectDeployments({
    classification,
    constraints: request.constraints,
    maxOutputTokens: request.max_tokens,
    deployments: routing.deployments,
    policy,
    weights: policy?.weights ?? routing.weights,
  });
  let worst = 0;
  for (const { deployment } of selection.ranked) {
    const cost = costUsd(deployment, {
      inputTokens: classification.estimatedInputTokens,
      outputTokens: request.max_tokens ?? deployment.defaultMaxOutputTokens,
    });
    worst = Math.max(worst, cost);
  }
  return worst;
}

/** Dollars to the 1e-8 costs are rounded to, without trailing zeros or float noise: $10, $9.95, $0.00012. */
function usd(amount: number): string {
  return `$${Number(amount.toFixed(8))}`;
}

/**
 * Reserves the request's worst-case cost against its tenant's budget for the month, before it is accepted (one Lua
 * script, so concurrent requests on any number of API processes never pass the limit together). Spent: 402
 * `budget_exceeded`. The worker settles the reservation at the actual cost when the request finishes.
 */
export async function reserveMonthlyBudget(
  dependencies: MonthlyBudgetDependencies,
  tenant: string,
  requestId: string,
  acceptedAtMs: number,
  request: ChatRequest,
  classification: Classification,
): Promise<void> {
  const estimateUsd = worstCaseCostUsd(dependencies.routing, request, classification);
  let reservation;
  try {
    reservation = await dependencies.budgets.reserve(tenant, requestId, acceptedAtMs, estimateUsd, configuredMonthlyBudgetUsd(dependencies.tenantLimits, tenant));
  } catch {
    throw ApiError.unavailable("storage is unavailable; the request was not accepted, retry later");
  }
  if (reservation.granted) return;
  const { month, limitUsd, spentUsd, reservedUsd } = reservation;
  throw new ApiError(
    402,
    "budget_exceeded",
    `tenant ${tenant} has reached its monthly budget for ${month}: limit ${usd(limitUsd)}, spent ${usd(spentUsd)}, ` +
      `reserved for running requests ${usd(reservedUsd)}; this request could cost up to ${usd(estimateUsd)}`,
    "budget_exceeded",
  );
}

/** Gives back the reservation of a request that was not accepted after all (storage or queue failure). */
export async function releaseMonthlyBudget(dependencies: MonthlyBudgetDependencies, tenant: string, requestId: string): Promise<void> {
  await dependencies.budgets.settle(tenant, requestId, 0).catch((error: unknown) => {
    // Left reserved until the month's key expires; the tenant's headroom is smaller by this much meanwhile.
    dependencies.logger.warn({ err: error, requestId, tenant }, "could not release a budget reservation");
  });
}
