import { Redis } from "ioredis";
import { Pool } from "undici";
import { CompletionWatcher } from "./completion-watcher.js";
import { RATE_LIMIT_MAX_OUTPUT_TOKENS, RATE_LIMIT_MESSAGES, type LimitedDeployment, type RateLimitFleet } from "./rate-limit-config.js";
import { resetSim, simStats } from "./sim-control.js";
import { submit, type SwitchyardTarget } from "./switchyard-client.js";

/** Which limiter the workers ran with (SWITCHYARD_RATE_LIMITER). */
export type LimiterMode = "fleet" | "bullmq";

export interface RateLimitOptions {
  /** Windows measured after the first one (the warm-up). */
  measuredWindows: number;
  /** Each deployment's backlog, in windows of its binding budget; more than `measuredWindows + 1`, so it never runs dry while measured. */
  backlogWindows: number;
  clientConcurrency: number;
}

export interface DeploymentOutcome {
  id: string;
  binds: "rpm" | "tpm";
  bindingRequests: number;
  submitted: number;
  completed: number;
  failed: number;
  /** Neither succeeded nor failed when the run stopped waiting (a window after the measurement). */
  unfinished: number;
  /** Completions in each measured window. */
  perWindow: number[];
  completedPerWindow: number;
  /** completedPerWindow / bindingRequests. */
  share: number;
  providerCalls: number;
  rateLimited: number;
}

export interface RateLimitRun {
  limiter: LimiterMode;
  deployments: DeploymentOutcome[];
  completedPerWindow: number;
  bindingPerWindow: number;
  /** Completed requests per window over the binding limits, summed over both deployments. */
  throughputShare: number;
  providerCalls: number;
  rateLimited: number;
  /** Share of the simulator's answers to the two models that were 429s. */
  rateLimitedShare: number;
  durationMs: number;
}

interface Finished {
  status: string;
  atMs: number;
}

/**
 * A backlog of `backlogWindows` windows' worth of requests for each deployment, submitted at once, and the
 * stack left to work through it. Each deployment's windows are counted from its first completion: the first
 * window is the warm-up, and then `measuredWindows` intervals of one window each, from the middle of one
 * window to the middle of the next, so that each holds exactly one window opening (and the burst it lets
 * through) however the bursts fall in time. The simulator is reset first (its windows and stats), so its
 * counts are this run's alone.
 */
export async function switchyardRateLimits(
  target: SwitchyardTarget,
  simUrl: string,
  fleet: RateLimitFleet,
  limiter: LimiterMode,
  options: RateLimitOptions,
): Promise<RateLimitRun> {
  await resetSim(simUrl);
  const subscriber = new Redis(target.redisUrl);
  const watcher = new CompletionWatcher(subscriber);
  const finished = new Map<string, Finished>();
  watcher.onTerminal((id, status, atMs) => finished.set(id, { status, atMs }));
  await watcher.start(`${target.prefix}:events:request`);
  const pool = new Pool(target.apiUrl, { connections: options.clientConcurrency });
  const windowMs = fleet.windowMs;

  try {
    // Interleaved, so both deployments' backlogs arrive together.
    const bodies = fleet.deployments.map((deployment) => ({
      deployment,
      count: Math.ceil(deployment.bindingRequests * options.backlogWindows),
      body: JSON.stringify({ model: deployment.id, messages: RATE_LIMIT_MESSAGES, max_tokens: RATE_LIMIT_MAX_OUTPUT_TOKENS }),
    }));
    const queue: { deployment: LimitedDeployment; body: string }[] = [];
    const largest = Math.max(...bodies.map((entry) => entry.count));
    for (let index = 0; index < largest; index++) {
      for (const entry of bodies) if (index < entry.count) queue.push(entry);
    }
    const ids = new Map<string, string[]>(fleet.deployments.map((deployment) => [deployment.id, []]));
    const startedAtMs = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.clientConcurrency }, async () => {
        while (next < queue.length) {
          const entry = queue[next++]!;
          const id = await submit(pool, target.adminKey, entry.body);
          ids.get(entry.deployment.id)!.push(id);
        }
      }),
    );

    // Until every request is terminal, or a window after the last measured one ends; never past the whole backlog's time plus three windows.
    const firstCompletion = (deploymentId: string) => {
      const times = (ids.get(deploymentId) ?? []).flatMap((id) => {
        const entry = finished.get(id);
        return entry?.status === "succeeded" ? [entry.atMs] : [];
      });
      return times.length === 0 ? undefined : Math.min(...times);
    };
    const hardStopMs = startedAtMs + (options.backlogWindows + 3) * windowMs;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = performance.now();
      if (finished.size >= queue.length) break;
      if (now > hardStopMs) break;
      const firsts = fleet.deployments.map((deployment) => firstCompletion(deployment.id));
      if (firsts.every((first) => first !== undefined && now > first + (options.measuredWindows + 1.5) * windowMs)) break;
    }
    const durationMs = performance.now() - startedAtMs;

    const stats = await simStats(simUrl);
    const outcomes = fleet.deployments.map((deployment): DeploymentOutcome => {
      const mine = (ids.get(deployment.id) ?? []).map((id) => finished.get(id));
      const succeededAt = mine.flatMap((entry) => (entry?.status === "succeeded" ? [entry.atMs] : [])).sort((a, b) => a - b);
      const first = succeededAt[0];
      const perWindow: number[] = [];
      for (let window = 0; first !== undefined && window < options.measuredWindows; window++) {
        const from = first + (window + 0.5) * windowMs;
        perWindow.push(succeededAt.filter((atMs) => atMs >= from && atMs < from + windowMs).length);
      }
      const completedPerWindow = perWindow.length === 0 ? 0 : perWindow.reduce((sum, count) => sum + count, 0) / perWindow.length;
      const model = stats.byModel[deployment.model];
      return {
        id: deployment.id,
        binds: deployment.binds,
        bindingRequests: deployment.bindingRequests,
        submitted: mine.length,
        completed: succeededAt.length,
        failed: mine.filter((entry) => entry !== undefined && entry.status !== "succeeded").length,
        unfinished: mine.filter((entry) => entry === undefined).length,
        perWindow,
        completedPerWindow,
        share: completedPerWindow / deployment.bindingRequests,
        providerCalls: model?.requests ?? 0,
        rateLimited: model?.byStatus["429"] ?? 0,
      };
    });
    const sum = (pick: (outcome: DeploymentOutcome) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
    const providerCalls = sum((outcome) => outcome.providerCalls);
    const rateLimited = sum((outcome) => outcome.rateLimited);
    return {
      limiter,
      deployments: outcomes,
      completedPerWindow: sum((outcome) => outcome.completedPerWindow),
      bindingPerWindow: sum((outcome) => outcome.bindingRequests),
      throughputShare: sum((outcome) => outcome.completedPerWindow) / sum((outcome) => outcome.bindingRequests),
      providerCalls,
      rateLimited,
      rateLimitedShare: providerCalls === 0 ? Number.NaN : rateLimited / providerCalls,
      durationMs,
    };
  } finally {
    await pool.close();
    subscriber.disconnect();
  }
}
