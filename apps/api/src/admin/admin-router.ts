import { Router } from "express";
import { z } from "zod";
import type { TenantLimits } from "@switchyard/config";
import type { Logger } from "@switchyard/logging";
import { ApiKeyError, TENANT_NAME_PATTERN, type ApiKeyInfo, type ApiKeyStore, type TenantBudgets } from "@switchyard/queue";
import { SCOPES } from "../auth/principal.js";
import { requireScope } from "../auth/require-scope.js";
import { ApiError } from "../http/api-error.js";
import { parseOrThrow } from "../http/parse-body.js";
import { toSnake } from "../http/to-snake.js";
import { configuredMonthlyBudgetUsd } from "../requests/monthly-budget.js";

export interface AdminRouterDependencies {
  apiKeys: ApiKeyStore;
  budgets: TenantBudgets;
  /** `config.tenants`: the configured monthly budgets, `default` for tenants not listed. */
  tenantLimits: Readonly<Record<string, TenantLimits>>;
  logger: Logger;
  now: () => number;
}

const tenantSchema = z.string().regex(TENANT_NAME_PATTERN, "tenant must be 1-64 characters of letters, digits, '_', '.', '-'");

const createKeySchema = z
  .object({
    tenant: tenantSchema,
    scopes: z.array(z.enum(SCOPES)).min(1, "a key needs at least one scope").max(SCOPES.length),
    name: z.string().max(128).default(""),
  })
  .strict();

const listKeysQuerySchema = z.object({ tenant: tenantSchema.optional() }).loose();

const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** `monthly_budget_usd` (the API's spelling) or `monthlyBudgetUsd` (the config's); null removes the override. */
const budgetOverrideSchema = z.union([
  z.object({ monthly_budget_usd: z.number().nonnegative().max(1e9).nullable() }).strict(),
  z.object({ monthlyBudgetUsd: z.number().nonnegative().max(1e9).nullable() }).strict(),
]);

function storageUnavailable(): never {
  throw ApiError.unavailable("storage is unavailable, retry later");
}

function keyView(info: ApiKeyInfo): Record<string, unknown> {
  return { object: "api_key", ...(toSnake(info) as Record<string, unknown>) };
}

/**
 * `/v1/admin/*`, for admin keys only: tenant API keys (create, list, revoke) and tenants' monthly budgets (read,
 * override). A key's secret appears once, in the answer to its creation; lists never carry secrets or hashes.
 */
export function adminRouter(dependencies: AdminRouterDependencies): Router {
  const { apiKeys, budgets, logger, now } = dependencies;
  const router = Router();
  router.use("/admin", requireScope("admin"));

  router.post("/admin/keys", async (request, response) => {
    const body = parseOrThrow(createKeySchema, request.body);
    const created = await apiKeys.create(body).catch((error: unknown) => {
      if (error instanceof ApiKeyError) throw ApiError.badRequest(error.message);
      storageUnavailable();
    });
    // The id and scopes, never the secret.
    logger.info({ keyId: created.info.id, tenant: created.info.tenant, scopes: created.info.scopes }, "api key created");
    response.status(201).json({ ...keyView(created.info), key: created.key });
  });

  router.get("/admin/keys", async (request, response) => {
    const { tenant } = parseOrThrow(listKeysQuerySchema, request.query);
    const keys = await apiKeys.list(tenant).catch(storageUnavailable);
    response.json({ object: "list", data: keys.map(keyView) });
  });

  router.get("/admin/keys/:id", async (request, response) => {
    const id = request.params.id;
    const info = KEY_ID_PATTERN.test(id) ? await apiKeys.info(id).catch(storageUnavailable) : undefined;
    if (!info) throw ApiError.notFound(`no API key ${JSON.stringify(id.slice(0, 64))}`);
    response.json(keyView(info));
  });

  router.delete("/admin/keys/:id", async (request, response) => {
    const id = request.params.id;
    const outcome = KEY_ID_PATTERN.test(id) ? await apiKeys.revoke(id).catch(storageUnavailable) : "missing";
    if (outcome === "missing") throw ApiError.notFound(`no API key ${JSON.stringify(id.slice(0, 64))}`);
    if (outcome === "revoked") logger.info({ keyId: id }, "api key revoked");
    const info = await apiKeys.info(id).catch(storageUnavailable);
    response.json(info ? keyView(info) : { object: "api_key", id });
  });

  const budgetView = async (tenant: string) => {
    const state = await budgets.state(tenant, now(), configuredMonthlyBudgetUsd(dependencies.tenantLimits, tenant)).catch(storageUnavailable);
    const remainingUsd = state.limitUsd === undefined ? null : Math.max(0, Math.round((state.limitUsd - state.spentUsd - state.reservedUsd) * 1e8) / 1e8);
    return {
      object: "tenant_budget",
      tenant,
      month: state.month,
      limit_usd: state.limitUsd ?? null,
      limit_source: state.limitSource,
      spent_usd: state.spentUsd,
      reserved_usd: state.reservedUsd,
      remaining_usd: remainingUsd,
    };
  };

  router.get("/admin/tenants/:tenant/budget", async (request, response) => {
    const tenant = parseOrThrow(tenantSchema, request.params.tenant);
    response.json(await budgetView(tenant));
  });

  router.put("/admin/tenants/:tenant/budget", async (request, response) => {
    const tenant = parseOrThrow(tenantSchema, request.params.tenant);
    const body = parseOrThrow(budgetOverrideSchema, request.body);
    const limitUsd = "monthly_budget_usd" in body ? body.monthly_budget_usd : body.monthlyBudgetUsd;
    await budgets.setLimitOverride(tenant, limitUsd).catch(storageUnavailable);
    logger.info({ tenant, monthlyBudgetUsd: limitUsd }, limitUsd === null ? "tenant budget override removed" : "tenant budget overridden");
    response.json(await budgetView(tenant));
  });

  return router;
}
