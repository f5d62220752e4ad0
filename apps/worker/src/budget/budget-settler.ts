import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "@switchyard/logging";
import { keyNames, OutboxGroupReader, TenantBudgets, type OutboxEntry } from "@switchyard/queue";

/** Budget settlement's consumer group on the outbox; webhooks read the same stream with their own. */
export const BUDGET_CONSUMER_GROUP = "budget";

const READ_COUNT = 200;
const BLOCK_MS = 2_000;
/** How often this consumer reclaims entries left pending (by dead consumers or its own failed passes) and trims. */
const HOUSEKEEPING_INTERVAL_MS = 15_000;
/** An entry pending this long belongs to a consumer that died (or failed to settle it): take it over. */
const RECLAIM_IDLE_MS = 30_000;
/** A consumer that held nothing for this long belongs to a process that is gone. */
const CONSUMER_FORGET_AFTER_MS = 24 * 3_600_000;

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export interface BudgetSettlerDependencies {
  /** The worker's shared connection: record reads and settlements. */
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

export interface RunningBudgetSettler {
  /** Resolves once the consumer group exists. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Settles tenants' monthly budget reservations from the outbox, in the `budget` consumer group: a succeeded request's
 * reservation becomes its `costUsd`, a failed or cancelled one's is released (entries into `queued_for_retry` are not
 * terminal and only acknowledged). An entry is acknowledged only after its settlement; a crash in between leaves it
 * pending, another consumer reclaims it (XAUTOCLAIM), and the settle script's once-only guard makes the second
 * settlement a no-op, so redelivery never settles anything twice.
 */
export function startBudgetSettler(dependencies: BudgetSettlerDependencies): RunningBudgetSettler {
  const { redis, blockingRedis, prefix, logger, now } = dependencies;
  const reclaimIdleMs = dependencies.reclaimIdleMs ?? RECLAIM_IDLE_MS;
  const housekeepingIntervalMs = dependencies.housekeepingIntervalMs ?? HOUSEKEEPING_INTERVAL_MS;
  const keys = keyNames(prefix);
  const outbox = keys.outbox();
  const budgets = new TenantBudgets(redis, prefix);
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const reader = new OutboxGroupReader(blockingRedis, outbox, BUDGET_CONSUMER_GROUP, consumer);
  let running = true;
  let lastHousekeepingMs = 0;

  const settle = async (entry: OutboxEntry): Promise<void> => {
    if (!TERMINAL.has(entry.status) || entry.tenant === "") return;
    let actualUsd: number | undefined = 0;
    if (entry.status === "succeeded") {
      const cost = await redis.hget(keys.request(entry.requestId), "costUsd");
      // A record gone before its settlement (it expired): charge the reservation, the most it could have cost.
      actualUsd = cost === null ? undefined : Number(cost);
    }
    const settled = await budgets.settle(entry.tenant, entry.requestId, actualUsd);
    if (settled) logger.debug({ requestId: entry.requestId, tenant: entry.tenant, costUsd: actualUsd }, "budget reservation settled");
  };

  const handle = async (entries: OutboxEntry[]) => {
    const outcomes = await Promise.allSettled(entries.map(settle));
    const done: string[] = [];
    outcomes.forEach((outcome, index) => {
      const entry = entries[index]!;
      if (outcome.status === "fulfilled") done.push(entry.entryId);
      // Left pending: reclaimed and settled again after reclaimIdleMs.
      else logger.warn({ err: outcome.reason, entryId: entry.entryId, requestId: entry.requestId }, "could not settle a budget reservation");
    });
    await reader.ack(done);
  };

  const housekeeping = async () => {
    const reclaimed = await reader.reclaim(reclaimIdleMs, READ_COUNT);
    if (reclaimed.length > 0) {
      logger.info({ entries: reclaimed.length }, "reclaimed outbox entries left pending by a budget consumer");
      await handle(reclaimed);
    }
    await reader.trimAcknowledged();
    await reader.removeIdleConsumers(CONSUMER_FORGET_AFTER_MS);
  };

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const loop = (async () => {
    while (running) {
      try {
        // From the stream's start, unlike webhooks: a reservation made before this group first existed (say, an API
        // upgraded before its workers) must still be settled, and settling an entry without one changes nothing.
        await blockingRedis.xgroup("CREATE", outbox, BUDGET_CONSUMER_GROUP, "0", "MKSTREAM").catch((error: Error) => {
          if (!String(error.message).startsWith("BUSYGROUP")) throw error;
        });
        markReady();
        break;
      } catch (error) {
        if (!running) break;
        logger.warn({ err: error }, "could not create the budget consumer group; retrying");
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    while (running) {
      try {
        if (now() - lastHousekeepingMs >= housekeepingIntervalMs) {
          lastHousekeepingMs = now();
          await housekeeping();
        }
        await handle(await reader.readNew(READ_COUNT, BLOCK_MS));
      } catch (error) {
        if (!running) break;
        logger.warn({ err: error }, "budget outbox read failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  })();

  return {
    ready,
    close: async () => {
      running = false;
      // The read blocks for up to BLOCK_MS; dropping the connection ends it at once (unacknowledged entries stay pending).
      blockingRedis.disconnect();
      await loop.catch(() => undefined);
    },
  };
}
