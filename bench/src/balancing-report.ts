import type { StrategyResult } from "./balancing-run.js";
import { fmt } from "./stats.js";

/** (f) as stored in the results: the pool's members and one run per strategy. */
export interface BalancingResult {
  members: { id: string; latencyMs: number; pricePer1kInputUsd: number; pricePer1kOutputUsd: number; weight: number }[];
  strategies: StrategyResult[];
}

export function balancingNotes(result: BalancingResult): string[] {
  const members = result.members;
  const header = members.map((member) => `${member.id} (${member.latencyMs} ms, $${member.pricePer1kInputUsd}/1k in, weight ${member.weight})`);
  const row = (strategy: StrategyResult) =>
    `| ${strategy.strategy} | ${members.map((member) => `${fmt((strategy.shares[member.id] ?? 0) * 100, 1)}%`).join(" | ")} | ` +
    `${fmt(strategy.meanLatencyMs, 1)} ms | ${fmt(strategy.p99LatencyMs, 1)} ms | $${fmt(strategy.meanCostUsd * 1000, 3)} | ` +
    `${strategy.chosenByPool} of ${strategy.requests} | ${strategy.unexpected} |`;
  return [
    "Load balancing (f): share of the requests each pool member served, submit → completion latency, and cost, per strategy.",
    "",
    `| strategy | ${header.join(" | ")} | mean latency | p99 latency | mean cost per 1,000 requests | chosen by the pool | failed or outside the pool |`,
    `|---|${members.map(() => "---|").join("")}---|---|---|---|---|`,
    ...result.strategies.map(row),
  ];
}
