import type { Redis } from "ioredis";
import { TERMINAL_STATUSES } from "@switchyard/contracts";
import type { Logger } from "@switchyard/logging";
import { keyNames, TenantBudgets, type OutboxEntry } from "@switchyard/queue";
import { startOutboxGroupConsumer, type OutboxGroupConsumer } from "../outbox/outbox-group-consumer.js";

/** Budget settlement's consumer group on the outbox; webhooks read the same stream with their own. */
export const BUDGET_CONSUMER_GROUP = "budget";

/** How often this consumer reclaims entries left pending (by dead consumers or its own failed passes) and trims. */
const HOUSEKEEPING_INTERVAL_MS = 15_000;
/** An entry pending this long belongs to a consumer that died (or failed to settle it): take it over. */
const RECLAIM_IDLE_MS = 30_000;

export interface BudgetSettlerDependencies {
  /** The worker's shared connection: settlements (and the cost of a success whose entry lacks it). */
  redis: Redis;
  /** A connection of its own: XREADGROUP blocks (closing it is how a blocked read is stopped). */
  blockingRedis: Redis;
  prefix: string;
  logger: Logger;
  now: () => number;
  /** Tests shorten these; production uses the defaults above. */
  reclaimIdleMs?: number;
  housekeepingIntervalMs?: number;
}

export type RunningBudgetSettler = OutboxGroupConsumer;

/**
 * Settles tenants' monthly budget reservations from the outbox, in the `budget` consumer group: a succeeded request's
 * reservation becomes its `costUsd` (which the entry carries), a failed or cancelled one's is released (entries into
 * `queued_for_retry` are not terminal and only acknowledged). An entry is acknowledged only after its settlement; a
 * crash in between leaves it pending, another consumer reclaims it (XAUTOCLAIM), and the settle script's once-only
 * guard makes the second settlement a no-op, so redelivery never settles anything twice.
 */
export function startBudgetSettler(dependencies: BudgetSettlerDependencies): RunningBudgetSettler {
  const { redis, prefix, logger } = dependencies;
  const keys = keyNames(prefix);
  const budgets = new TenantBudgets(redis, prefix);

  // The entry carries a success's cost; only one written by an older version (before it did) sends us to the record.
  // A record gone before its settlement (it expired): charge the reservation, the most it could have cost.
  const recordedCostUsd = async (requestId: string): Promise<number | undefined> => {
    const cost = await redis.hget(keys.request(requestId), "costUsd");
    return cost === null ? undefined : Number(cost);
  };

  const settle = async (entry: OutboxEntry): Promise<void> => {
    if (!(TERMINAL_STATUSES as readonly string[]).includes(entry.status) || entry.tenant === "") return;
    let actualUsd: number | undefined = 0;
    if (entry.status === "succeeded") {
      actualUsd = entry.costUsd ?? (await recordedCostUsd(entry.requestId));
    }
    const settled = await budgets.settle(entry.tenant, entry.requestId, actualUsd);
    if (settled) logger.debug({ requestId: entry.requestId, tenant: entry.tenant, costUsd: actualUsd }, "budget reservation settled");
  };

  return startOutboxGroupConsumer({
    blockingRedis: dependencies.blockingRedis,
    stream: keys.outbox(),
    group: BUDGET_CONSUMER_GROUP,
    // From the stream's start, unlike webhooks: a reservation made before this group first existed (say, an API
    // upgraded before its workers) must still be settled, and settling an entry without one changes nothing.
    startAt: "0",
    handleEntry: settle,
    housekeepingIntervalMs: dependencies.housekeepingIntervalMs ?? HOUSEKEEPING_INTERVAL_MS,
    reclaimIdleMs: dependencies.reclaimIdleMs ?? RECLAIM_IDLE_MS,
    logger,
    now: dependencies.now,
  });
}
