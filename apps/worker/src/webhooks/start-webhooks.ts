import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { AddressAllowlist, WEBHOOK_DEAD_LETTER_QUEUE, WEBHOOK_DELIVERY_QUEUE } from "@switchyard/contracts";
import { TenantSigningSecrets, WebhookEndpointStore, type QueueRegistry, type RequestStore } from "@switchyard/queue";
import type { SwitchyardConfig } from "@switchyard/config";
import type { Logger } from "@switchyard/logging";
import { workerOptions } from "../worker-options.js";
import { deadLetterProcessor } from "./dead-letter.js";
import { deliverWebhook, WebhookAttemptError } from "./deliver-webhook.js";
import { createGuardedAgent } from "./guarded-agent.js";
import { startOutboxConsumer } from "./outbox-consumer.js";
import { webhookRetryDelayMs } from "./retry-schedule.js";
import type { WebhookDependencies } from "./webhook-dependencies.js";

export interface RunningWebhooks {
  workers: Worker[];
  /** Resolves once the outbox consumer group exists (events from then on are delivered). */
  ready: Promise<void>;
  /** Stops the outbox consumer and closes the delivery agent (the workers are closed with the others). */
  close(): Promise<void>;
}

/**
 * The webhook side of a worker process: the outbox consumer (fan-out), the delivery worker (signed POSTs on the
 * retry schedule, through the SSRF-guarded agent) and the dead-letter worker.
 */
export function startWebhooks(base: {
  config: SwitchyardConfig;
  redis: Redis;
  store: RequestStore;
  queues: QueueRegistry;
  logger: Logger;
  now?: () => number;
  random?: () => number;
}): RunningWebhooks {
  const { config, redis, logger } = base;
  const settings = config.webhooks;
  const dispatcher = createGuardedAgent({ allowlist: new AddressAllowlist(settings.allowPrivateHosts), connectTimeoutMs: settings.attemptTimeoutMs });
  const dependencies: WebhookDependencies = {
    config,
    store: base.store,
    queues: base.queues,
    endpoints: new WebhookEndpointStore(redis, config.redis.prefix),
    secrets: new TenantSigningSecrets(redis, config.redis.prefix),
    dispatcher,
    logger,
    now: base.now ?? Date.now,
    random: base.random ?? Math.random,
  };

  const delivery = new Worker(WEBHOOK_DELIVERY_QUEUE, deliverWebhook(dependencies), {
    ...workerOptions(config.redis.url, config.redis.prefix, settings.deliveryConcurrency),
    settings: {
      backoffStrategy: (attemptsMade, _type, error) =>
        webhookRetryDelayMs(attemptsMade, settings, dependencies.random, error instanceof WebhookAttemptError ? error.retryAfterMs : undefined),
    },
  });
  delivery.on("error", (error) => logger.warn({ err: error, queue: WEBHOOK_DELIVERY_QUEUE }, "webhook worker error"));
  const deadLetters = new Worker(WEBHOOK_DEAD_LETTER_QUEUE, deadLetterProcessor(dependencies), workerOptions(config.redis.url, config.redis.prefix, 4));
  deadLetters.on("error", (error) => logger.warn({ err: error, queue: WEBHOOK_DEAD_LETTER_QUEUE }, "dead-letter worker error"));

  // Reads block, so the consumer gets its own connection.
  const blocking = redis.duplicate({ connectionName: "switchyard-webhooks-outbox" });
  blocking.on("error", (error) => logger.warn({ err: error }, "outbox connection error"));
  const consumer = startOutboxConsumer(dependencies, blocking);

  return {
    workers: [delivery, deadLetters],
    ready: consumer.ready,
    close: async () => {
      await consumer.close();
      await dispatcher.close().catch(() => undefined);
    },
  };
}
