/**
 * The Redis keys of tenants, their API keys and budgets, under the installation's prefix (a Cluster hash tag, as in
 * `key-names.ts`). Tenant names are 1-64 of `[A-Za-z0-9_.-]` (validated at every boundary), so they never contain
 * the braces or colons that would confuse a key.
 */
export interface TenantKeyNames {
  /** One API key: tenant, scopes, name, secretSha256, createdAtMs, lastUsedAtMs, revokedAtMs (hash). */
  apiKey(keyId: string): string;
  /** The ids of one tenant's keys (set). */
  tenantApiKeys(tenant: string): string;
  /** The ids of every key (set). */
  allApiKeys(): string;
  /** A tenant's spending in one UTC month (hash, see lua/budget-reserve-2.lua); expires ~40 days after its last write. */
  tenantBudget(tenant: string, month: string): string;
  /** An admin's override of a tenant's monthly limit, microcents (string, no expiry). */
  tenantBudgetLimit(tenant: string): string;
}

export function tenantKeyNames(prefix: string): TenantKeyNames {
  return {
    apiKey: (keyId) => `${prefix}:api-key:${keyId}`,
    tenantApiKeys: (tenant) => `${prefix}:tenant:${tenant}:api-keys`,
    allApiKeys: () => `${prefix}:api-keys`,
    tenantBudget: (tenant, month) => `${prefix}:tenant:${tenant}:budget:${month}`,
    tenantBudgetLimit: (tenant) => `${prefix}:tenant:${tenant}:budget-limit`,
  };
}

/** What a tenant may be called; the same rule as the request body's `tenant`. */
export const TENANT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
