import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { AddressAllowlist, CACHE_STAGE_QUEUE, RETRY_STAGE_QUEUE, TIERS, WEBHOOK_DEAD_LETTER_QUEUE, WEBHOOK_DELIVERY_QUEUE } from "@switchyard/contracts";
import { ConfigError, loadConfig } from "@switchyard/config";
import { createLogger } from "@switchyard/logging";
import {
  ApiKeyStore,
  BlockingConnectionPool,
  checkRedisDurability,
  CircuitBreakers,
  FleetRateLimiter,
  createRedis,
  QueueRegistry,
  RateLimitStore,
  RequestCanceller,
  RequestEvents,
  RequestStore,
  RequestStreams,
  TenantBudgets,
  TenantSigningSecrets,
  waitForRedis,
  WebhookEndpointStore,
} from "@switchyard/queue";
import { apiEnvSchema } from "./api-env.js";
import { createApp } from "./app.js";
import { ApiKeyVerifier } from "./auth/api-key-verifier.js";
import { readOnlyDashboardLogin } from "./auth/dashboard-login.js";
import { DASHBOARD_PATH } from "./dashboard/bull-board.js";

const logger = createLogger({ service: "api" });

async function main(): Promise<void> {
  const env = apiEnvSchema.parse(process.env);
  const config = loadConfig();
  const adminKey = env.SWITCHYARD_ADMIN_KEY ?? `sy_admin_${randomBytes(18).toString("base64url")}`;
  if (!env.SWITCHYARD_ADMIN_KEY) {
    // Printed, not logged: it is the only way in, and logs are shipped elsewhere.
    process.stdout.write(`No SWITCHYARD_ADMIN_KEY set; this process uses the generated admin key: ${adminKey}\n`);
  }

  const redis = createRedis(config.redis.url, "producer", "switchyard-api");
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
  // Warns (never refuses) if Redis may evict or forget accepted work; runs once the connection is ready.
  void checkRedisDurability(redis, logger);
  const queues = new QueueRegistry(redis, {
    prefix: config.redis.prefix,
    keepCompletedCount: config.jobs.keepCompletedCount,
    keepFailedAgeSeconds: config.jobs.keepFailedAgeSeconds,
  });
  for (const tier of TIERS) queues.tier(tier);
  for (const deployment of config.deployments) queues.deployment(deployment.id);
  for (const stage of [CACHE_STAGE_QUEUE, RETRY_STAGE_QUEUE, WEBHOOK_DELIVERY_QUEUE, WEBHOOK_DEAD_LETTER_QUEUE]) queues.byName(stage);

  const store = new RequestStore(redis, config.redis.prefix, config.records.ttlSeconds);
  const subscriber = createRedis(config.redis.url, "worker", "switchyard-api-events");
  subscriber.on("error", (error) => logger.warn({ err: error }, "redis subscriber error"));
  const events = new RequestEvents(subscriber, store.eventsChannel);
  void events.start().catch((error) => logger.error({ err: error }, "could not subscribe to request events"));

  // Streamed answers are read with XREAD BLOCK, which holds its connection: readers get dedicated ones, never the
  // producer connection, and a few stay open between streams.
  const streamReaders = new BlockingConnectionPool(() => createRedis(config.redis.url, "producer", "switchyard-api-stream"), {
    maxIdle: 32,
    connectTimeoutMs: 2_000,
  });
  const requestStreams = new RequestStreams(redis, config.redis.prefix, streamReaders);
  const canceller = new RequestCanceller({ redis, store, queues, prefix: config.redis.prefix, deploymentIds: config.deployments.map((deployment) => deployment.id) });

  const dashboardPassword = config.dashboard.passwordEnv ? process.env[config.dashboard.passwordEnv] : undefined;
  const readOnlyDashboard = readOnlyDashboardLogin(config.dashboard, process.env);
  const apiKeys = new ApiKeyStore(redis, config.redis.prefix);
  const app = createApp({
    redis,
    store,
    queues,
    events,
    logger,
    now: Date.now,
    deployments: config.deployments,
    pools: config.pools,
    breakers: new CircuitBreakers(redis, config.redis.prefix, config.resilience.breaker),
    tenantLimiter: new FleetRateLimiter(redis, config.redis.prefix, Date.now, "tenant"),
    tenantLimits: config.tenants,
    rateLimits: new RateLimitStore(redis, config.redis.prefix),
    longPollMaxSeconds: config.api.longPollMaxSeconds,
    idempotencyTtlSeconds: config.api.idempotencyTtlSeconds,
    idempotencyPendingTtlSeconds: config.api.idempotencyPendingTtlSeconds,
    syncTimeoutMs: config.api.longPollMaxSeconds * 1000,
    bodyLimitBytes: config.api.bodyLimitBytes,
    credentials: {
      adminKey,
      dashboardUsername: config.dashboard.username,
      ...(dashboardPassword ? { dashboardPassword } : {}),
      ...(readOnlyDashboard ? { readOnlyDashboard } : {}),
    },
    keyVerifier: new ApiKeyVerifier(apiKeys, Date.now, logger),
    apiKeys,
    budgets: new TenantBudgets(redis, config.redis.prefix),
    routing: { deployments: config.deployments, tiers: config.tiers, weights: config.weights },
    webhookEndpoints: new WebhookEndpointStore(redis, config.redis.prefix),
    webhookSecrets: new TenantSigningSecrets(redis, config.redis.prefix),
    webhookSettings: config.webhooks,
    webhookAllowlist: new AddressAllowlist(config.webhooks.allowPrivateHosts),
    dashboardQueues: queues.all(),
    requestStreams,
    canceller,
  });

  // The producer connection refuses commands until it is ready; give Redis a moment before serving.
  await waitForRedis(redis, 10_000).catch(() => logger.warn("redis not reachable yet; answering 503 until it is"));
  const server = app.listen(config.api.port, config.api.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const baseUrl = env.SWITCHYARD_PUBLIC_URL ?? `http://localhost:${port}`;
  process.stdout.write(`Switchyard API listening on ${baseUrl}\n`);
  logger.info({ port, baseUrl, dashboard: `${baseUrl}${DASHBOARD_PATH}` }, "api started");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "api shutting down");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Long-polls hold connections open; they get a moment, then are cut.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await closed;
    await events.close();
    await streamReaders.close();
    await queues.close().catch(() => undefined);
    redis.disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.fatal({ err: error }, "api failed to start");
  }
  process.exit(1);
});
