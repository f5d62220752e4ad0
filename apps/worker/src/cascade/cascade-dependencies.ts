import type { SwitchyardConfig } from "@switchyard/config";
import type { CircuitBreakers, FleetRateLimiter, DeploymentStats, QueueRegistry, RequestStore, ResponseCache } from "@switchyard/queue";
import type { Logger } from "@switchyard/logging";

/** What every stage of the cascade works with: Redis-backed state and queues at the edges, clock and dice injected. */
export interface CascadeDependencies {
  config: SwitchyardConfig;
  store: RequestStore;
  queues: QueueRegistry;
  breakers: CircuitBreakers;
  cache: ResponseCache;
  /** Fleet-wide rate budgets and in-flight counts per deployment. */
  limiter: FleetRateLimiter;
  /** Latency averages and round-robin turns for pools. */
  stats: DeploymentStats;
  logger: Logger;
  now: () => number;
  /** Uniform in [0, 1), for backoff jitter. */
  random: () => number;
}
