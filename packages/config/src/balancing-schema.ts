import { z } from "zod";

/**
 * How a pool spreads requests over its deployments (the seed guide's load-balancing table):
 * - `round_robin`: in turn, fleet-wide;
 * - `weighted`: at random, in proportion to the configured weight × the share of its rate budget left;
 * - `least_connections`: the fewest calls in flight across the fleet;
 * - `latency`: the lowest moving average of recent call latency;
 * - `cost`: the cheapest for the request's estimated tokens that has capacity.
 * Every strategy skips open circuits and deployments without capacity.
 */
export const BALANCING_STRATEGIES = ["round_robin", "weighted", "least_connections", "latency", "cost"] as const;
export const balancingStrategySchema = z.enum(BALANCING_STRATEGIES);
export type BalancingStrategy = z.infer<typeof balancingStrategySchema>;

/** Deployments that serve the same class of request; when the router picks one of them, the pool's strategy picks which. */
export const poolSchema = z
  .object({
    strategy: balancingStrategySchema.default("round_robin"),
    deployments: z.array(z.string()).min(2, "a pool needs at least two deployments"),
    /** For `weighted`: relative weights by deployment id (default 1). */
    weights: z.record(z.string(), z.number().positive()).default({}),
  })
  .strict();
export type PoolConfig = z.infer<typeof poolSchema>;

/**
 * A tenant's budgets: per minute (`rpm`, `tpm`), enforced at the API with 429 and `retry-after`; per UTC month in USD
 * (`monthlyBudgetUsd`), reserved at acceptance at the request's worst-case cost and settled at its actual cost,
 * answered with 402 once spent (an admin may override it per tenant, see `PUT /v1/admin/tenants/:tenant/budget`).
 */
export const tenantLimitsSchema = z
  .object({
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
    monthlyBudgetUsd: z.number().nonnegative().max(1e9).optional(),
  })
  .strict();
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;
