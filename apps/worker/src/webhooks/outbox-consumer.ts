import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { keyNames, OutboxGroupReader, type OutboxEntry } from "@switchyard/queue";
import { fanOutEvent } from "./fan-out-event.js";
import type { WebhookDependencies } from "./webhook-dependencies.js";

/** The webhook feature's consumer group on the outbox; budget settlement reads the same stream with its own. */
export const WEBHOOKS_CONSUMER_GROUP = "webhooks";

const READ_COUNT = 100;
const BLOCK_MS = 2_000;
/** How often this consumer looks for entries dead consumers left pending, and trims the stream. */
const HOUSEKEEPING_INTERVAL_MS = 15_000;
/** A consumer that held nothing for this long belongs to a process that is gone. */
const CONSUMER_FORGET_AFTER_MS = 24 * 3_600_000;

export interface OutboxConsumer {
  /** Resolves once the consumer group exists. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Reads the outbox in the `webhooks` group and fans each entry out into delivery jobs, acknowledging an entry
 * only after its jobs are in the queue: a crash in between leaves it pending, and XAUTOCLAIM hands it to a live
 * consumer after `webhooks.reclaimIdleMs` (re-adding its jobs is a no-op: their ids are derived).
 */
export function startOutboxConsumer(dependencies: WebhookDependencies, blockingRedis: Redis): OutboxConsumer {
  const { config, logger } = dependencies;
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const reader = new OutboxGroupReader(blockingRedis, keyNames(config.redis.prefix).outbox(), WEBHOOKS_CONSUMER_GROUP, consumer);
  let running = true;
  let lastHousekeepingMs = 0;

  const handle = async (entries: OutboxEntry[]) => {
    // Concurrently: at ~1 000 requests/s one entry at a time would be a round trip or two each, in series.
    const fannedOut = await Promise.all(
      entries.map(async (entry) => {
        try {
          const targets = await fanOutEvent(dependencies, entry);
          if (targets > 0) logger.debug({ entryId: entry.entryId, requestId: entry.requestId, targets }, "webhook event fanned out");
          return entry.entryId;
        } catch (error) {
          // Left pending: reclaimed and tried again after reclaimIdleMs.
          logger.warn({ err: error, entryId: entry.entryId, requestId: entry.requestId }, "could not fan out a webhook event");
          return undefined;
        }
      }),
    );
    await reader.ack(fannedOut.filter((entryId): entryId is string => entryId !== undefined));
  };

  const housekeeping = async () => {
    const reclaimed = await reader.reclaim(config.webhooks.reclaimIdleMs, READ_COUNT);
    if (reclaimed.length > 0) {
      logger.info({ entries: reclaimed.length }, "reclaimed outbox entries left pending by a consumer");
      await handle(reclaimed);
    }
    await reader.trimAcknowledged();
    await reader.removeIdleConsumers(CONSUMER_FORGET_AFTER_MS);
  };

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const loop = (async () => {
    // Events before the group exists are not this group's (it starts at the stream's end), so the worker reports
    // itself started only after this; with Redis away at boot it keeps trying.
    while (running) {
      try {
        await reader.ensureGroup();
        markReady();
        break;
      } catch (error) {
        logger.warn({ err: error }, "could not create the webhooks consumer group; retrying");
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    while (running) {
      try {
        if (dependencies.now() - lastHousekeepingMs >= HOUSEKEEPING_INTERVAL_MS) {
          lastHousekeepingMs = dependencies.now();
          await housekeeping();
        }
        await handle(await reader.readNew(READ_COUNT, BLOCK_MS));
      } catch (error) {
        if (!running) break;
        logger.warn({ err: error }, "outbox read failed; retrying");
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
