import { readFileSync, writeFileSync, existsSync } from "node:fs";

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
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

function fmt(value: number, digits = 1): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

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
    "",
    `Requests completed: ${sy.completed}, failed: ${sy.failed}.`,
  ].join("\n");
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
