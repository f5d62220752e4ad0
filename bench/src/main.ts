import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedRedis, freePort } from "@switchyard/embedded-redis";
import { bullmqNoopThroughput } from "./bullmq-noop.js";
import { directCall } from "./direct-call.js";
import { ROOT, startApp, type BenchProcess } from "./processes.js";
import { writeJson, writeMarkdown, type BenchResult } from "./report.js";
import { round } from "./stats.js";
import { BALANCING_STRATEGIES, balancingSimConfig, POOL_MEMBERS, writeBalancingConfig } from "./balancing-config.js";
import { switchyardBalancing, type StrategyResult } from "./balancing-run.js";
import { FAILOVER_FLEET, failoverBreaker, writeFailoverConfig } from "./failover-config.js";
import { switchyardFailover, type FailoverResult, type PhaseResult } from "./failover-run.js";
import { RATE_LIMIT_MESSAGES, rateLimitFleet, rateLimitSimConfig, writeRateLimitConfig } from "./rate-limit-config.js";
import { switchyardRateLimits, type LimiterMode, type RateLimitRun } from "./rate-limit-run.js";
import { simPromptTokens } from "./sim-control.js";
import { startStack, startWorkers, stopStack } from "./stack.js";
import { switchyardLatency, switchyardThroughput } from "./switchyard-run.js";

// pnpm bench [--quick]: every scenario runs its baseline in the same run, on the same Redis and machine.
const quick = process.argv.includes("--quick");
const settings = {
  noopJobs: quick ? 5_000 : 20_000,
  workerConcurrency: 100,
  directRequests: quick ? 1_000 : 5_000,
  clientConcurrency: 64,
  asyncRequests: quick ? 2_000 : 10_000,
  warmupRequests: quick ? 200 : 1_000,
  // (b) is a steady-state figure: after 1 000 warm-up requests a second round of 5 000 still ran 10-20% faster than
  // the first (JIT, pools, Redis growing); after 5 000 the two agree.
  throughputWarmupRequests: quick ? 1_000 : 5_000,
  sequentialRequests: quick ? 100 : 500,
  failoverRounds: quick ? 2 : 5,
  failoverRequestsPerRound: quick ? 100 : 200,
  rateLimitWorkerProcesses: 4,
  rateLimitMeasuredWindows: quick ? 1 : 2,
  rateLimitBacklogWindows: quick ? 2.5 : 3.5,
  rateLimitClientConcurrency: 32,
  balancingRequests: quick ? 200 : 800,
  balancingWarmupRequests: quick ? 20 : 40,
  balancingClientConcurrency: 8,
  balancingWorkerProcesses: 2,
  providerLatencyMs: 0,
  workerProcesses: Number(process.env.BENCH_WORKERS ?? 1),
  redisAppendOnly: true,
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchyard-bench-"));
  // BENCH_REDIS_URL runs against an existing Redis (to read its INFO commandstats, say) instead of a fresh one.
  const external = process.env.BENCH_REDIS_URL;
  const embedded = external ? undefined : await EmbeddedRedis.start({ dataDir, appendOnly: settings.redisAppendOnly });
  const redis = { url: external ?? embedded!.url, stop: async () => embedded?.stop() };
  const processes: BenchProcess[] = [];
  try {
    console.log(`redis ${redis.url}; ${quick ? "quick" : "full"} run`);
    const noop = await bullmqNoopThroughput(redis.url, settings.noopJobs, settings.workerConcurrency);
    console.log(`bullmq no-op: ${round(noop.jobsPerSecond)} jobs/s`);

    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    // Limits far above any scenario's load: a model without them still reports 10 000 requests a minute in its
    // rate-limit headers (never enforced), and the workers' fleet limiter believes headers, so (b)'s 11 000
    // requests would stall for the rest of the minute once the simulator said 0 remained.
    const unlimited = { latency: { kind: "fixed", ms: 0 }, rpm: 1_000_000_000, tpm: 1_000_000_000_000 };
    processes.push(await startApp("provider-sim", { SIM_PORT: String(simPort), SIM_CONFIG: JSON.stringify(unlimited) }, /listening/));
    const direct = await directCall(simUrl, settings.directRequests, settings.clientConcurrency, settings.sequentialRequests);
    console.log(`direct: ${round(direct.requestsPerSecond)} req/s, p50 ${round(direct.p50Ms)} ms, p99 ${round(direct.p99Ms)} ms`);

    const stack = await startStack(redis.url, { workers: settings.workerProcesses, env: { PROVIDER_SIM_URL: simUrl } }, processes);
    const target = stack.target;

    await switchyardThroughput(target, settings.throughputWarmupRequests, settings.clientConcurrency);
    const throughput = await switchyardThroughput(target, settings.asyncRequests, settings.clientConcurrency);
    console.log(`switchyard async: ${round(throughput.requestsPerSecond)} req/s (accepted ${round(throughput.acceptedPerSecond)} req/s)`);
    const latency = await switchyardLatency(target, settings.sequentialRequests);
    console.log(`switchyard latency: p50 ${round(latency.p50Ms)} ms, p99 ${round(latency.p99Ms)} ms`);
    await stopStack(stack);

    // (d) failover: a stack of its own (its config, its prefix), the simulator shared.
    const configPath = join(dataDir, "failover.json");
    const breaker = failoverBreaker(settings.failoverRequestsPerRound);
    writeFailoverConfig(configPath, simUrl, breaker);
    const failoverStack = await startStack(redis.url, { workers: settings.workerProcesses, env: { SWITCHYARD_CONFIG: configPath } }, processes);
    const failover = await switchyardFailover(failoverStack.target, simUrl, FAILOVER_FLEET, {
      rounds: settings.failoverRounds,
      requestsPerRound: settings.failoverRequestsPerRound,
      warmupRequests: settings.warmupRequests,
      breaker,
    });
    logFailover(failover);
    await stopStack(failoverStack);

    // (e) rate limits: the same backlog against the fleet limiter, then against BullMQ's plain limiter.
    const fleet = rateLimitFleet(await simPromptTokens(simUrl, RATE_LIMIT_MESSAGES));
    const rateLimitSim = await startSim(rateLimitSimConfig(fleet), processes);
    const rateLimitConfigPath = join(dataDir, "rate-limits.json");
    writeRateLimitConfig(rateLimitConfigPath, rateLimitSim.url, fleet);
    const rateLimitRun = async (limiter: LimiterMode) => {
      const rateLimitStack = await startStack(
        redis.url,
        { workers: settings.rateLimitWorkerProcesses, env: { SWITCHYARD_CONFIG: rateLimitConfigPath }, workerEnv: { SWITCHYARD_RATE_LIMITER: limiter } },
        processes,
      );
      const run = await switchyardRateLimits(rateLimitStack.target, rateLimitSim.url, fleet, limiter, {
        measuredWindows: settings.rateLimitMeasuredWindows,
        backlogWindows: settings.rateLimitBacklogWindows,
        clientConcurrency: settings.rateLimitClientConcurrency,
      });
      await stopStack(rateLimitStack);
      logRateLimits(run);
      return run;
    };
    const rateLimited = await rateLimitRun("fleet");
    const naive = await rateLimitRun("bullmq");
    await rateLimitSim.process.stop();

    // (f) load balancing: one API; the workers restarted with each strategy's config, on the same prefix.
    const balancingSim = await startSim(balancingSimConfig(), processes);
    const balancingConfigPath = (strategy: string) => join(dataDir, `balancing-${strategy}.json`);
    for (const strategy of BALANCING_STRATEGIES) writeBalancingConfig(balancingConfigPath(strategy), balancingSim.url, strategy);
    const balancingStack = await startStack(
      redis.url,
      { workers: 0, env: { SWITCHYARD_CONFIG: balancingConfigPath(BALANCING_STRATEGIES[0]) } },
      processes,
    );
    const strategies: StrategyResult[] = [];
    for (const strategy of BALANCING_STRATEGIES) {
      const env = { ...balancingStack.env, SWITCHYARD_CONFIG: balancingConfigPath(strategy) };
      const workers = await startWorkers(env, settings.balancingWorkerProcesses, processes);
      const result = await switchyardBalancing(balancingStack.target, strategy, {
        requests: settings.balancingRequests,
        warmupRequests: settings.balancingWarmupRequests,
        clientConcurrency: settings.balancingClientConcurrency,
      });
      await Promise.all(workers.map((worker) => worker.stop()));
      logBalancing(result);
      strategies.push(result);
    }
    await stopStack(balancingStack);
    await balancingSim.process.stop();

    const result: BenchResult = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, platform: process.platform },
      settings,
      baselines: {
        bullmqNoopJobsPerSecond: round(noop.jobsPerSecond),
        directCallRequestsPerSecond: round(direct.requestsPerSecond),
        directCallP50Ms: round(direct.p50Ms, 3),
        directCallP99Ms: round(direct.p99Ms, 3),
      },
      switchyard: {
        asyncRequestsPerSecond: round(throughput.requestsPerSecond),
        acceptedPerSecond: round(throughput.acceptedPerSecond),
        completed: throughput.completed,
        failed: throughput.failed,
        latencyP50Ms: round(latency.p50Ms, 3),
        latencyP99Ms: round(latency.p99Ms, 3),
      },
      failover: {
        primaryId: FAILOVER_FLEET.primaryId,
        fallbackId: FAILOVER_FLEET.fallbackId,
        healthy: roundPhase(failover.healthy),
        deadBeforeOpen: roundPhase(failover.deadBeforeOpen),
        deadAfterOpen: roundPhase(failover.deadAfterOpen),
        rounds: failover.rounds,
        afterOpenSkippedAtDispatch: failover.afterOpenSkippedAtDispatch,
        afterOpenRefusedByBreaker: failover.afterOpenRefusedByBreaker,
        unexpected: failover.unexpected,
      },
      rateLimits: {
        windowMs: fleet.windowMs,
        promptTokens: fleet.promptTokens,
        maxOutputTokens: fleet.maxOutputTokens,
        tokensPerRequest: fleet.tokensPerRequest,
        deployments: fleet.deployments,
        switchyard: roundRateLimitRun(rateLimited),
        naive: roundRateLimitRun(naive),
      },
      balancing: {
        members: POOL_MEMBERS.map(({ id, latencyMs, pricePer1kInputUsd, pricePer1kOutputUsd, weight }) => ({
          id,
          latencyMs,
          pricePer1kInputUsd,
          pricePer1kOutputUsd,
          weight,
        })),
        strategies: strategies.map(roundStrategy),
      },
    };
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeJson(join(ROOT, quick ? "bench/results/quick.json" : "bench/results/latest.json"), result);
    if (!quick) writeMarkdown(join(ROOT, "docs/benchmarks.md"), result);
    console.log(quick ? "wrote bench/results/quick.json" : "wrote bench/results/latest.json and docs/benchmarks.md");
  } finally {
    await Promise.all(processes.map((process) => process.stop()));
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A simulator of the scenario's own, started with `config` (so `/_sim/reset` returns to it). */
async function startSim(config: unknown, started: BenchProcess[]): Promise<{ url: string; process: BenchProcess }> {
  const port = await freePort();
  const sim = await startApp("provider-sim", { SIM_PORT: String(port), SIM_CONFIG: JSON.stringify(config) }, /listening/);
  started.push(sim);
  return { url: `http://127.0.0.1:${port}`, process: sim };
}

function roundPhase(phase: PhaseResult): PhaseResult {
  const breakdown = { ...phase.breakdown };
  for (const key of Object.keys(breakdown) as (keyof typeof breakdown)[]) breakdown[key] = round(breakdown[key], 3);
  return { samples: phase.samples, p50Ms: round(phase.p50Ms, 3), p99Ms: round(phase.p99Ms, 3), breakdown };
}

function roundRateLimitRun(run: RateLimitRun): RateLimitRun {
  return {
    ...run,
    deployments: run.deployments.map((outcome) => ({
      ...outcome,
      completedPerWindow: round(outcome.completedPerWindow, 1),
      share: round(outcome.share, 4),
    })),
    completedPerWindow: round(run.completedPerWindow, 1),
    throughputShare: round(run.throughputShare, 4),
    rateLimitedShare: round(run.rateLimitedShare, 5),
    durationMs: round(run.durationMs, 0),
  };
}

function roundStrategy(result: StrategyResult): StrategyResult {
  const shares = Object.fromEntries(Object.entries(result.shares).map(([id, share]) => [id, round(share, 4)]));
  return {
    ...result,
    shares,
    meanLatencyMs: round(result.meanLatencyMs, 2),
    p99LatencyMs: round(result.p99LatencyMs, 2),
    meanCostUsd: round(result.meanCostUsd, 7),
  };
}

function logRateLimits(run: RateLimitRun): void {
  const deployments = run.deployments
    .map(
      (outcome) =>
        `${outcome.id} (${outcome.binds} binds, ${outcome.bindingRequests}/window): ${outcome.perWindow.join(", ")} per window, ` +
        `${outcome.rateLimited}/${outcome.providerCalls} calls 429, ` +
        `${outcome.completed} completed, ${outcome.failed} failed, ${outcome.unfinished} unfinished`,
    )
    .join("; ");
  console.log(
    `rate limits (${run.limiter}): ${round(run.completedPerWindow, 1)} of ${run.bindingPerWindow} requests/window ` +
      `(${round(run.throughputShare * 100, 1)}%), ${run.rateLimited} of ${run.providerCalls} calls 429 ` +
      `(${round(run.rateLimitedShare * 100, 2)}%) in ${round(run.durationMs / 1000, 1)} s; ${deployments}`,
  );
}

function logBalancing(result: StrategyResult): void {
  const shares = Object.entries(result.shares).map(([id, share]) => `${id} ${round(share * 100, 1)}%`).join(", ");
  console.log(
    `balancing ${result.strategy}: ${shares}; mean ${round(result.meanLatencyMs, 1)} ms, p99 ${round(result.p99LatencyMs, 1)} ms, ` +
      `$${result.meanCostUsd.toPrecision(3)}/request; ${result.chosenByPool} of ${result.requests} chosen by the pool, ${result.unexpected} unexpected`,
  );
}

function logFailover(failover: FailoverResult): void {
  const line = (name: string, phase: PhaseResult) =>
    `failover ${name}: ${phase.samples} requests, p50 ${round(phase.p50Ms)} ms, p99 ${round(phase.p99Ms)} ms`;
  console.log(line("healthy", failover.healthy));
  console.log(line("dead, before open", failover.deadBeforeOpen));
  console.log(line("dead, after open", failover.deadAfterOpen));
  const opened = failover.rounds.map((round) => `${round.openedAfterRequests ?? "never"} (${round.circuitState})`).join(", ");
  console.log(
    `failover circuit opened after ${opened} requests; after it: ` +
      `${failover.afterOpenSkippedAtDispatch} skipped at dispatch, ${failover.afterOpenRefusedByBreaker} refused by the breaker; ` +
      `${failover.unexpected} unexpected`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
