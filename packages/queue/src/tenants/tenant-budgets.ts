import type { Redis } from "ioredis";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";
import { budgetMonth, microcentsToUsd, requestAcceptedAtMs, usdToMicrocents } from "./budget-units.js";
import { tenantKeyNames, type TenantKeyNames } from "./tenant-key-names.js";

/** A month's hash outlives the month by about ten days, so late settlements and the last reads still find it. */
export const BUDGET_MONTH_TTL_SECONDS = 40 * 24 * 3600;

export interface BudgetState {
  /** `YYYY-MM`, UTC. */
  month: string;
  /** The limit in force: the admin override, else the configured one; undefined when the tenant has none. */
  limitUsd?: number;
  limitSource: "override" | "config" | "none";
  /** Actual cost of the month's settled requests. */
  spentUsd: number;
  /** Worst-case cost of the month's accepted requests that have not finished yet. */
  reservedUsd: number;
}

export type ReservationResult =
  | { granted: true; month: string; spentUsd: number; reservedUsd: number; limitUsd?: number }
  | { granted: false; month: string; spentUsd: number; reservedUsd: number; limitUsd: number };

/**
 * Monthly USD budgets per tenant, in Redis. `reserve` happens before a request is accepted and holds its worst-case
 * cost, atomically with the check (one Lua script: no check-then-increment race between API processes); `settle`
 * replaces the reservation with the actual cost when the request finishes (zero for failed or cancelled requests),
 * exactly once per request. Spending is tracked for every tenant, with or without a limit.
 */
export class TenantBudgets {
  private readonly keys: TenantKeyNames;
  private readonly scripts: SwitchyardScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = tenantKeyNames(prefix);
    this.scripts = defineScripts(redis);
  }

  /**
   * Reserves `estimateUsd` for `requestId` in the month of `acceptedAtMs` (the moment the request id encodes, so the
   * settlement finds the same month). `configuredLimitUsd` applies unless an admin override is stored.
   */
  async reserve(tenant: string, requestId: string, acceptedAtMs: number, estimateUsd: number, configuredLimitUsd?: number): Promise<ReservationResult> {
    const month = budgetMonth(acceptedAtMs);
    const [granted, spent, reserved, limit] = await this.scripts.budgetReserve(
      [this.keys.tenantBudget(tenant, month), this.keys.tenantBudgetLimit(tenant)],
      [
        requestId,
        Math.max(0, usdToMicrocents(estimateUsd)),
        configuredLimitUsd === undefined ? "" : usdToMicrocents(configuredLimitUsd),
        BUDGET_MONTH_TTL_SECONDS,
      ],
    );
    const amounts = { month, spentUsd: microcentsToUsd(spent), reservedUsd: microcentsToUsd(reserved) };
    if (granted === 1) return { granted: true, ...amounts, ...(limit >= 0 ? { limitUsd: microcentsToUsd(limit) } : {}) };
    return { granted: false, ...amounts, limitUsd: microcentsToUsd(limit) };
  }

  /**
   * Settles a request's reservation: `actualUsd` replaces it (0 releases it; undefined charges the whole reservation,
   * for a success whose cost can no longer be read). Returns false when there was nothing to settle: already settled,
   * or never reserved. The month comes from the request id.
   */
  async settle(tenant: string, requestId: string, actualUsd: number | undefined): Promise<boolean> {
    const acceptedAtMs = requestAcceptedAtMs(requestId);
    if (acceptedAtMs === undefined) return false;
    const settled = await this.scripts.budgetSettle(
      [this.keys.tenantBudget(tenant, budgetMonth(acceptedAtMs))],
      [requestId, actualUsd === undefined ? "" : Math.max(0, usdToMicrocents(actualUsd)), BUDGET_MONTH_TTL_SECONDS],
    );
    return settled === 1;
  }

  /** The month containing `atMs`, as one round trip. */
  async state(tenant: string, atMs: number, configuredLimitUsd?: number): Promise<BudgetState> {
    const month = budgetMonth(atMs);
    const [[spent, reserved], override] = await Promise.all([
      this.redis.hmget(this.keys.tenantBudget(tenant, month), "spentMicrocents", "reservedMicrocents"),
      this.redis.get(this.keys.tenantBudgetLimit(tenant)),
    ]);
    const limit =
      override !== null
        ? { limitUsd: microcentsToUsd(Number(override)), limitSource: "override" as const }
        : configuredLimitUsd !== undefined
          ? { limitUsd: configuredLimitUsd, limitSource: "config" as const }
          : { limitSource: "none" as const };
    return { month, ...limit, spentUsd: microcentsToUsd(Number(spent ?? 0)), reservedUsd: microcentsToUsd(Number(reserved ?? 0)) };
  }

  /** Sets (or, with null, removes) the admin override of a tenant's monthly limit; it applies from the next reservation. */
  async setLimitOverride(tenant: string, monthlyBudgetUsd: number | null): Promise<void> {
    if (monthlyBudgetUsd === null) await this.redis.del(this.keys.tenantBudgetLimit(tenant));
    else await this.redis.set(this.keys.tenantBudgetLimit(tenant), usdToMicrocents(monthlyBudgetUsd));
  }
}
