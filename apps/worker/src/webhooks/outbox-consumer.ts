import type { Redis } from "ioredis";
import { keyNames } from "@switchyard/queue";
import { startOutboxGroupConsumer, type OutboxGroupConsumer } from "../outbox/outbox-group-consumer.js";
import { fanOutEvent } from "./fan-out-event.js";
import type { WebhookDependencies } from "./webhook-dependencies.js";

/** The webhook feature's consumer group on the outbox; budget settlement reads the same stream with its own. */
export const WEBHOOKS_CONSUMER_GROUP = "webhooks";

/** How often this consumer looks for entries dead consumers left pending, and trims the stream. */
const HOUSEKEEPING_INTERVAL_MS = 15_000;

/**
 * Reads the outbox in the `webhooks` group and fans each entry out into delivery jobs, acknowledging an entry
 * only after its jobs are in the queue: a crash in between leaves it pending, and XAUTOCLAIM hands it to a live
 * consumer after `webhooks.reclaimIdleMs` (re-adding its jobs is a no-op: their ids are derived). The group starts
 * at the stream's end: events from before webhooks were first enabled are not announced.
 */
export function startOutboxConsumer(dependencies: WebhookDependencies, blockingRedis: Redis): OutboxGroupConsumer {
  const { config, logger } = dependencies;
  return startOutboxGroupConsumer({
    blockingRedis,
    stream: keyNames(config.redis.prefix).outbox(),
    group: WEBHOOKS_CONSUMER_GROUP,
    startAt: "$",
    handleEntry: async (entry) => {
      const targets = await fanOutEvent(dependencies, entry);
      if (targets > 0) logger.debug({ entryId: entry.entryId, requestId: entry.requestId, targets }, "webhook event fanned out");
    },
    housekeepingIntervalMs: HOUSEKEEPING_INTERVAL_MS,
    reclaimIdleMs: config.webhooks.reclaimIdleMs,
    logger,
    now: dependencies.now,
  });
}
