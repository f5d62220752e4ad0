import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedRedis, freePort } from "@switchyard/embedded-redis";
import { bullmqNoopThroughput } from "./bullmq-noop.js";
import { directCall } from "./direct-call.js";
import { ROOT, startApp, type BenchProcess } from "./processes.js";
import { writeJson, writeMarkdown, type BenchResult } from "./report.js";
import { round } from "./stats.js";
import { FAILOVER_FLEET, failoverBreaker, writeFailoverConfig } from "./failover-config.js";
import { switchyardFailover, type FailoverResult, type PhaseResult } from "./failover-run.js";
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
  sequentialRequests: quick ? 100 : 500,
  failoverRounds: quick ? 2 : 5,
  failoverRequestsPerRound: quick ? 100 : 200,
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
    processes.push(await startApp("provider-sim", { SIM_PORT: String(simPort), SIM_LATENCY_MS: "0" }, /listening/));
    const direct = await directCall(simUrl, settings.directRequests, settings.clientConcurrency, settings.sequentialRequests);
    console.log(`direct: ${round(direct.requestsPerSecond)} req/s, p50 ${round(direct.p50Ms)} ms, p99 ${round(direct.p99Ms)} ms`);

    const stack = await startStack(redis.url, { PROVIDER_SIM_URL: simUrl }, processes);
    const target = stack.target;

    await switchyardThroughput(target, settings.warmupRequests, settings.clientConcurrency);
    const throughput = await switchyardThroughput(target, settings.asyncRequests, settings.clientConcurrency);
    console.log(`switchyard async: ${round(throughput.requestsPerSecond)} req/s (accepted ${round(throughput.acceptedPerSecond)} req/s)`);
    const latency = await switchyardLatency(target, settings.sequentialRequests);
    console.log(`switchyard latency: p50 ${round(latency.p50Ms)} ms, p99 ${round(latency.p99Ms)} ms`);
    await Promise.all(stack.processes.map((process) => process.stop()));

    // (d) failover: a stack of its own (its config, its prefix), the simulator shared.
    const configPath = join(dataDir, "failover.json");
    const breaker = failoverBreaker(settings.failoverRequestsPerRound);
    writeFailoverConfig(configPath, simUrl, breaker);
    const failoverStack = await startStack(redis.url, { SWITCHYARD_CONFIG: configPath }, processes);
    const failover = await switchyardFailover(failoverStack.target, simUrl, FAILOVER_FLEET, {
      rounds: settings.failoverRounds,
      requestsPerRound: settings.failoverRequestsPerRound,
      warmupRequests: settings.warmupRequests,
      breaker,
    });
    logFailover(failover);

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

/** The API and `workerProcesses` workers on a fresh prefix of the shared Redis; each is also added to `started`. */
async function startStack(redisUrl: string, extraEnv: Record<string, string>, started: BenchProcess[]) {
  const prefix = `{bench${randomBytes(3).toString("hex")}}`;
  const adminKey = `sy_bench_${randomBytes(12).toString("hex")}`;
  const apiPort = await freePort();
  const env = { REDIS_URL: redisUrl, SWITCHYARD_REDIS_PREFIX: prefix, SWITCHYARD_ADMIN_KEY: adminKey, ...extraEnv };
  const processes: BenchProcess[] = [];
  const start = async (name: string, appEnv: Record<string, string>, ready: RegExp) => {
    const app = await startApp(name, appEnv, ready);
    processes.push(app);
    started.push(app);
  };
  for (let index = 0; index < settings.workerProcesses; index++) await start("worker", env, /worker started/);
  await start("api", { ...env, PORT: String(apiPort) }, /API listening/);
  return { processes, target: { apiUrl: `http://127.0.0.1:${apiPort}`, adminKey, redisUrl, prefix } };
}

function roundPhase(phase: PhaseResult): PhaseResult {
  const breakdown = { ...phase.breakdown };
  for (const key of Object.keys(breakdown) as (keyof typeof breakdown)[]) breakdown[key] = round(breakdown[key], 3);
  return { samples: phase.samples, p50Ms: round(phase.p50Ms, 3), p99Ms: round(phase.p99Ms, 3), breakdown };
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
