import type { Worker } from "bullmq";
import { ConfigError, loadConfig } from "@switchyard/config";
import { createLogger } from "@switchyard/logging";
import { createAdapterRegistry } from "@switchyard/providers";
import {
  checkRedisDurability,
  CircuitBreakers,
  createRedis,
  FleetRateLimiter,
  DeploymentStats,
  keyNames,
  QueueRegistry,
  RequestStore,
  RequestStreams,
  ResponseCache,
  type CancelNoticeSubscriber,
} from "@switchyard/queue";
import { RunningCalls } from "./cancellation/running-calls.js";
import { startCancelListener } from "./cancellation/start-cancel-listener.js";
import type { CascadeDependencies } from "./cascade/cascade-dependencies.js";
import { startDispatcher } from "./dispatcher/start-dispatcher.js";
import { startProviderPools } from "./provider-pool/start-provider-pools.js";
import { startStages } from "./stages/start-stages.js";
import { startWebhooks, type RunningWebhooks } from "./webhooks/start-webhooks.js";
import { startBudgetSettler, type RunningBudgetSettler } from "./budget/budget-settler.js";
import { workerEnvSchema } from "./worker-env.js";

const logger = createLogger({ service: "worker" });

async function main(): Promise<void> {
  const env = workerEnvSchema.parse(process.env);
  const config = loadConfig();
  const redis = createRedis(config.redis.url, "worker", "switchyard-worker");
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
  // Warns (never refuses) if Redis may evict or forget accepted work; runs once the connection is ready.
  void checkRedisDurability(redis, logger);
  const store = new RequestStore(redis, config.redis.prefix, config.records.ttlSeconds);
  const queues = new QueueRegistry(redis, {
    prefix: config.redis.prefix,
    keepCompletedCount: config.jobs.keepCompletedCount,
    keepFailedAgeSeconds: config.jobs.keepFailedAgeSeconds,
  });
  const adapters = createAdapterRegistry();
  const cascade: CascadeDependencies = {
    config,
    store,
    queues,
    breakers: new CircuitBreakers(redis, config.redis.prefix, config.resilience.breaker),
    cache: new ResponseCache(redis, config.redis.prefix, { ttlSeconds: config.resilience.cache.ttlSeconds }),
    limiter: new FleetRateLimiter(redis, config.redis.prefix),
    stats: new DeploymentStats(redis, config.redis.prefix),
    logger,
    now: Date.now,
    random: Math.random,
  };

  const workers: Worker[] = [];
  let cancelNotices: CancelNoticeSubscriber | undefined;
  if (env.SWITCHYARD_WORKER_ROLES.includes("dispatcher")) {
    // The cache and retry stages start rounds, as the dispatcher does; they run with it.
    workers.push(...startDispatcher(cascade), ...startStages(cascade));
  }
  let webhooks: RunningWebhooks | undefined;
  if (env.SWITCHYARD_WORKER_ROLES.includes("dispatcher")) {
    // Webhooks (outbox fan-out, deliveries, dead letters) run with the dispatcher role.
    webhooks = startWebhooks({ config, redis, store, queues, logger });
    workers.push(...webhooks.workers);
  }
  let budgetSettler: RunningBudgetSettler | undefined;
  if (env.SWITCHYARD_WORKER_ROLES.includes("dispatcher")) {
    // Settles tenants' monthly budget reservations from the outbox; its blocking read needs a connection of its own.
    const blockingRedis = createRedis(config.redis.url, "worker", "switchyard-worker-budget");
    blockingRedis.on("error", (error) => logger.warn({ err: error }, "redis budget connection error"));
    budgetSettler = startBudgetSettler({ redis, blockingRedis, prefix: config.redis.prefix, logger, now: Date.now });
  }
  if (env.SWITCHYARD_WORKER_ROLES.includes("providers")) {
    const runningCalls = new RunningCalls();
    // A subscribed connection can do nothing else: the cancel listener gets its own.
    const subscriber = createRedis(config.redis.url, "worker", "switchyard-worker-cancel");
    subscriber.on("error", (error) => logger.warn({ err: error }, "redis cancel subscriber error"));
    cancelNotices = await startCancelListener(subscriber, keyNames(config.redis.prefix).cancelNotices(), runningCalls, logger);
    workers.push(
      ...startProviderPools({
        ...cascade,
        leaseMs: env.SWITCHYARD_LOCK_DURATION_MS,
        rateLimiting: env.SWITCHYARD_RATE_LIMITER,
        adapters,
        providers: env.SWITCHYARD_PROVIDERS,
        streams: new RequestStreams(redis, config.redis.prefix),
        runningCalls,
      }),
    );
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  await webhooks?.ready;
  await budgetSettler?.ready;
  logger.info({ roles: env.SWITCHYARD_WORKER_ROLES, queues: workers.map((worker) => worker.name) }, "worker started");
  process.stdout.write(`Switchyard worker started (${workers.length} queues)\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "worker shutting down; finishing active jobs");
    // Bounded: active jobs that do not finish in time are left to stalled-job recovery by another worker.
    const timeout = new Promise((resolve) => setTimeout(resolve, env.SWITCHYARD_SHUTDOWN_TIMEOUT_MS).unref());
    await Promise.race([Promise.all(workers.map((worker) => worker.close())), timeout]);
    await Promise.race([webhooks?.close(), timeout]);
    await Promise.race([budgetSettler?.close(), timeout]);
    await Promise.race([Promise.all([queues.close(), adapters.close()]), timeout]);
    cancelNotices?.close();
    redis.disconnect();
    logger.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else logger.fatal({ err: error }, "worker failed to start");
  process.exit(1);
});
