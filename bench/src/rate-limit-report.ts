import type { LimitedDeployment } from "./rate-limit-config.js";
import type { DeploymentOutcome, RateLimitRun } from "./rate-limit-run.js";
import { fmt } from "./stats.js";

/** (e) as stored in the results: the fleet's limits, and the same backlog against both limiters. */
export interface RateLimitResult {
  windowMs: number;
  promptTokens: number;
  maxOutputTokens: number;
  tokensPerRequest: number;
  deployments: LimitedDeployment[];
  switchyard: RateLimitRun;
  naive: RateLimitRun;
}

const THROUGHPUT_GOAL = 0.95;
const RATE_LIMITED_GOAL = 0.005;

const percent = (share: number, digits = 1) => `${fmt(share * 100, digits)}%`;

export function rateLimitRows(result: RateLimitResult): string[] {
  const { switchyard: fleet, naive } = result;
  const throughput = (run: RateLimitRun) => `${percent(run.throughputShare)} (${fmt(run.completedPerWindow, 1)} of ${run.bindingPerWindow} req/window)`;
  const rateLimited = (run: RateLimitRun) => `${percent(run.rateLimitedShare, 2)} (${run.rateLimited} of ${run.providerCalls} calls)`;
  const met = (ok: boolean) => (ok ? "met" : "not met");
  return [
    `| (e) rate limits: completed per window / binding limit | ${throughput(fleet)} | ${throughput(naive)} with BullMQ's limiter | ${fmt(fleet.throughputShare / naive.throughputShare, 3)} | ≥ ${percent(THROUGHPUT_GOAL, 0)}: ${met(fleet.throughputShare >= THROUGHPUT_GOAL)} |`,
    `| (e) rate limits: provider calls answered 429 | ${rateLimited(fleet)} | ${rateLimited(naive)} with BullMQ's limiter | — | ≤ ${percent(RATE_LIMITED_GOAL, 1)}: ${met(fleet.rateLimitedShare <= RATE_LIMITED_GOAL)} |`,
  ];
}

function limitCell(deployment: LimitedDeployment, tokensPerRequest: number): string {
  const byTokens = Math.floor(deployment.tpm / tokensPerRequest);
  return deployment.binds === "rpm"
    ? `rpm ${deployment.rpm} (tpm ${fmt(deployment.tpm, 0)} would allow ${byTokens})`
    : `tpm ${fmt(deployment.tpm, 0)} = ${byTokens} requests (rpm ${deployment.rpm})`;
}

export function rateLimitNotes(result: RateLimitResult): string[] {
  const row = (limiter: string, deployment: LimitedDeployment, outcome: DeploymentOutcome | undefined) => {
    if (!outcome) return `| ${deployment.id} | ${limiter} | — | — | — | — |`;
    return (
      `| ${deployment.id}: ${limitCell(deployment, result.tokensPerRequest)} | ${limiter} | ${outcome.perWindow.join(", ")} | ` +
      `${percent(outcome.share)} | ${outcome.rateLimited} of ${outcome.providerCalls} | ` +
      `${outcome.submitted} / ${outcome.completed} / ${outcome.failed} / ${outcome.unfinished} |`
    );
  };
  const outcomeOf = (run: RateLimitRun, id: string) => run.deployments.find((outcome) => outcome.id === id);
  const measured = result.switchyard.deployments[0]?.perWindow.length ?? 0;
  return [
    `Rate limits (e): windows of ${fmt(result.windowMs / 1000, 0)} s in the simulator and in the config; every request is charged ` +
      `${result.promptTokens} prompt + ${result.maxOutputTokens} max_tokens = ${result.tokensPerRequest} tokens. ` +
      `Measured: ${measured} ${measured === 1 ? "window" : "windows"} per deployment after a warm-up window; each run took ` +
      `${fmt(result.switchyard.durationMs / 1000, 1)} s (Switchyard's limiter) and ${fmt(result.naive.durationMs / 1000, 1)} s (BullMQ's).`,
    "",
    "| deployment: binding limit per window | limiter | completed per measured window | share of the limit | 429s of calls | submitted / completed / failed / unfinished |",
    "|---|---|---|---|---|---|",
    ...result.deployments.flatMap((deployment) => [
      row("Switchyard", deployment, outcomeOf(result.switchyard, deployment.id)),
      row("BullMQ", deployment, outcomeOf(result.naive, deployment.id)),
    ]),
  ];
}
