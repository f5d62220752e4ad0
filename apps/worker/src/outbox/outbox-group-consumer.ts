import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "@switchyard/logging";
import { OutboxGroupReader, type OutboxEntry } from "@switchyard/queue";

const READ_COUNT = 200;
const BLOCK_MS = 2_000;
const RETRY_AFTER_ERROR_MS = 1_000;
/** A consumer that held nothing for this long belongs to a process that is gone. */
const CONSUMER_FORGET_AFTER_MS = 24 * 3_600_000;

export interface OutboxGroupConsumerOptions {
  /** A connection of its own: XREADGROUP blocks (closing it is how a blocked read is stopped). */
  blockingRedis: Redis;
  /** The outbox stream's key. */
  stream: string;
  group: string;
  /** Where a group created now starts: `$` (what happens from now on) or `0` (every entry still in the stream). */
  startAt: "$" | "0";
  /** Does the group's work for one entry; a rejection leaves the entry pending, to be reclaimed and tried again. */
  handleEntry(entry: OutboxEntry): Promise<void>;
  /** How often this consumer reclaims entries left pending (by dead consumers or its own failed passes) and trims. */
  housekeepingIntervalMs: number;
  /** An entry pending this long belongs to a consumer that died, or failed to handle it: take it over. */
  reclaimIdleMs: number;
  logger: Logger;
  now: () => number;
}

export interface OutboxGroupConsumer {
  /** Resolves once the consumer group exists. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * One consumer of one consumer group on the outbox (webhook fan-out, budget settlement): reads new entries in
 * batches, handles a batch concurrently, and acknowledges an entry only once it was handled, so a crash in between
 * leaves it pending and XAUTOCLAIM hands it to a live consumer after `reclaimIdleMs`. Handlers must therefore be
 * idempotent (derived job ids, once-only scripts). Housekeeping also trims what every group has read and forgets
 * consumers long gone. With Redis away it keeps trying; `ready` waits for the group to exist.
 */
export function startOutboxGroupConsumer(options: OutboxGroupConsumerOptions): OutboxGroupConsumer {
  const { blockingRedis, group, logger, now } = options;
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const reader = new OutboxGroupReader(blockingRedis, options.stream, group, consumer);
  const log = logger.child({ outboxGroup: group });
  let running = true;
  let lastHousekeepingMs = 0;
  const pause = () => new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_ERROR_MS));

  const handle = async (entries: readonly OutboxEntry[]) => {
    const outcomes = await Promise.allSettled(entries.map((entry) => options.handleEntry(entry)));
    const handled: string[] = [];
    outcomes.forEach((outcome, index) => {
      const entry = entries[index]!;
      if (outcome.status === "fulfilled") handled.push(entry.entryId);
      else log.warn({ err: outcome.reason, entryId: entry.entryId, requestId: entry.requestId }, "could not handle an outbox entry; left pending");
    });
    await reader.ack(handled);
  };

  const housekeeping = async () => {
    const reclaimed = await reader.reclaim(options.reclaimIdleMs, READ_COUNT);
    if (reclaimed.length > 0) {
      log.info({ entries: reclaimed.length }, "reclaimed outbox entries left pending");
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
        await reader.ensureGroup(options.startAt);
        markReady();
        break;
      } catch (error) {
        if (!running) break;
        log.warn({ err: error }, "could not create the outbox consumer group; retrying");
        await pause();
      }
    }
    while (running) {
      try {
        if (now() - lastHousekeepingMs >= options.housekeepingIntervalMs) {
          lastHousekeepingMs = now();
          await housekeeping();
        }
        await handle(await reader.readNew(READ_COUNT, BLOCK_MS));
      } catch (error) {
        if (!running) break;
        log.warn({ err: error }, "outbox read failed; retrying");
        await pause();
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
