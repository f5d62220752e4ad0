import { readFileSync, writeFileSync, existsSync } from "node:fs";
import type { FailoverResult, PhaseResult } from "./failover-run.js";
import { balancingNotes, type BalancingResult } from "./balancing-report.js";
import { rateLimitNotes, rateLimitRows, type RateLimitResult } from "./rate-limit-report.js";
import { fmt } from "./stats.js";

export interface BenchResult {
  measuredAt: string;
  machine: { cpus: number; node: string; platform: string };
  settings: Record<string, number | string | boolean>;
  baselines: { bullmqNoopJobsPerSecond: number; directCallRequestsPerSecond: number; directCallP50Ms: number; directCallP99Ms: number };
  switchyard: {
    asyncRequestsPerSecond: number;
    acceptedPerSecond: number;
    completed: number;
    failed: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
  };
  /** (d): latency with the primary deployment dead, either side of its circuit opening, against it healthy. */
  failover: FailoverResult & { primaryId: string; fallbackId: string };
  /** (e): a backlog against rate-limited deployments, with Switchyard's limiter and with BullMQ's. */
  rateLimits: RateLimitResult;
  /** (f): one pool of two unequal deployments, per balancing strategy. */
  balancing: BalancingResult;
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";


export function markdownTable(result: BenchResult): string {
  const { baselines: base, switchyard: sy } = result;
  const addedP50 = sy.latencyP50Ms - base.directCallP50Ms;
  const addedP99 = sy.latencyP99Ms - base.directCallP99Ms;
  return [
    `Measured ${result.measuredAt} on ${result.machine.cpus} cores, Node ${result.machine.node}; ` +
      `settings: ${Object.entries(result.settings).map(([key, value]) => `${key}=${value}`).join(", ")}.`,
    "",
    "| scenario | Switchyard | baseline (same run) | ratio | goal |",
    "|---|---|---|---|---|",
    `| (a) raw BullMQ no-op jobs/s | — | ${fmt(base.bullmqNoopJobsPerSecond, 0)} jobs/s | — | baseline |`,
    `| (a) direct provider-sim calls/s | — | ${fmt(base.directCallRequestsPerSecond, 0)} req/s | — | baseline |`,
    `| (b) async throughput, submit → completed | ${fmt(sy.asyncRequestsPerSecond, 0)} req/s | ${fmt(base.bullmqNoopJobsPerSecond, 0)} BullMQ no-op jobs/s | ${fmt(sy.asyncRequestsPerSecond / base.bullmqNoopJobsPerSecond, 3)} | ≥ 1,000 req/s: ${sy.asyncRequestsPerSecond >= 1000 ? "met" : "not met"} |`,
    `| (b) same, against direct calls | ${fmt(sy.asyncRequestsPerSecond, 0)} req/s | ${fmt(base.directCallRequestsPerSecond, 0)} direct req/s | ${fmt(sy.asyncRequestsPerSecond / base.directCallRequestsPerSecond, 3)} | — |`,
    `| (b) accept rate of POST /v1/requests | ${fmt(sy.acceptedPerSecond, 0)} req/s | — | — | — |`,
    `| (c) submit → completion latency p50 | ${fmt(sy.latencyP50Ms, 2)} ms | ${fmt(base.directCallP50Ms, 2)} ms direct | ${fmt(sy.latencyP50Ms / base.directCallP50Ms, 2)}× (added ${fmt(addedP50, 2)} ms) | added ≤ 5 ms: ${addedP50 <= 5 ? "met" : "not met"} |`,
    `| (c) submit → completion latency p99 | ${fmt(sy.latencyP99Ms, 2)} ms | ${fmt(base.directCallP99Ms, 2)} ms direct | ${fmt(sy.latencyP99Ms / base.directCallP99Ms, 2)}× (added ${fmt(addedP99, 2)} ms) | — |`,
    ...failoverRows(result.failover),
    ...rateLimitRows(result.rateLimits),
    "",
    `Requests completed: ${sy.completed}, failed: ${sy.failed}.`,
    "",
    ...failoverNotes(result.failover),
    "",
    ...rateLimitNotes(result.rateLimits),
    "",
    ...balancingNotes(result.balancing),
  ].join("\n");
}

/** "1.23× (added 0.45 ms)" of `phase` against the healthy phase. */
function against(value: number, healthy: number): string {
  return `${fmt(value / healthy, 2)}× (added ${fmt(value - healthy, 2)} ms)`;
}

const AFTER_OPEN_GOAL_MS = 5;

function failoverRows(failover: BenchResult["failover"]): string[] {
  const { healthy, deadBeforeOpen: before, deadAfterOpen: after } = failover;
  const addedP99 = after.p99Ms - healthy.p99Ms;
  const goal = Number.isFinite(addedP99) ? (addedP99 <= AFTER_OPEN_GOAL_MS ? "met" : "not met") : "not measured";
  const row = (label: string, value: number, base: number, goalCell: string) =>
    `| (d) ${label} | ${fmt(value, 2)} ms | ${fmt(base, 2)} ms primary healthy | ${against(value, base)} | ${goalCell} |`;
  return [
    `| (d) failover, primary healthy: latency p50 / p99 | — | ${fmt(healthy.p50Ms, 2)} / ${fmt(healthy.p99Ms, 2)} ms | — | baseline |`,
    row("primary dead, before its circuit opens: p50", before.p50Ms, healthy.p50Ms, "—"),
    row("primary dead, before its circuit opens: p99", before.p99Ms, healthy.p99Ms, "—"),
    row("primary dead, circuit open: p50", after.p50Ms, healthy.p50Ms, "—"),
    row("primary dead, circuit open: p99", after.p99Ms, healthy.p99Ms, `added p99 ≤ ${AFTER_OPEN_GOAL_MS} ms: ${goal}`),
  ];
}


function failoverNotes(failover: BenchResult["failover"]): string[] {
  const { healthy, deadBeforeOpen: before, deadAfterOpen: after } = failover;
  const rounds = failover.rounds;
  const openings = rounds.map((round) => (round.openedAfterRequests === null ? "never" : String(round.openedAfterRequests))).join(", ");
  const states = [...new Set(rounds.map((round) => `${round.circuitState} (opened ${round.circuitOpenedTotal}×)`))].join(", ");
  const opened =
    `In each of ${rounds.length} rounds, ${failover.primaryId}'s circuit opened after ${openings} requests had each made one ` +
    `failed call to it and fallen back to ${failover.fallbackId}, and read ${states} at the round's end; of the ` +
    `${after.samples} requests after, ${failover.afterOpenSkippedAtDispatch} were sent straight to ${failover.fallbackId} by the ` +
    `dispatcher and ${failover.afterOpenRefusedByBreaker} were refused by the breaker at the provider stage.`;
  const breakdown = (name: string, phase: PhaseResult) => {
    const b = phase.breakdown;
    const cells = [b.acceptToDispatchMs, b.dispatchMs, b.failedCallsMs, b.betweenHopsMs, b.answeringCallMs, b.recordedMs, b.outsideRecordMs];
    return `| ${name} (${phase.samples}) | ${cells.map((value) => fmt(value, 2)).join(" | ")} |`;
  };
  return [
    `Failover (d): ${opened} Requests that failed, came from the cache or took another route: ${failover.unexpected}.`,
    "",
    "Where the time of (d) goes: means in ms over each phase, from the request records' hop timestamps (whole ms, so only sums of many are meaningful).",
    "",
    "| phase (requests) | accepted → dispatch picked up | dispatch | failed calls | between hops | answering call | accepted → finished | outside the record |",
    "|---|---|---|---|---|---|---|---|",
    breakdown("primary healthy", healthy),
    breakdown("dead, before open", before),
    breakdown("dead, circuit open", after),
  ];
}

/** Replaces the generated section of docs/benchmarks.md, keeping the hand-written text around it. */
export function writeMarkdown(path: string, result: BenchResult): void {
  const generated = `${START}\n${markdownTable(result)}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, "utf8") : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start ? `${current.slice(0, start)}${generated}${current.slice(end + END.length)}` : `${current}\n${generated}\n`;
  writeFileSync(path, next);
}

export function writeJson(path: string, result: BenchResult): void {
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
