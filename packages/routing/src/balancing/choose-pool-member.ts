import type { BalancingStrategy, DeploymentConfig } from "@switchyard/config";

/** What a strategy knows about one member of the pool at the moment of choosing. */
export interface PoolMemberState {
  deployment: DeploymentConfig;
  /** false: open circuit or no capacity right now (the caller decides). */
  available: boolean;
  /** Fleet-wide calls in flight. */
  inFlight: number;
  /** Moving average of recent call latency; undefined = no data yet. */
  latencyEwmaMs?: number;
  /** 0..1: share of its rate budget left in the current window (1 when unlimited). */
  remainingShare: number;
}

export interface PoolChoiceInput {
  /** The pool's name in config; only used in `reason`. */
  pool?: string;
  strategy: BalancingStrategy;
  /** For `weighted`: relative weight by deployment id; a member not listed weighs 1. */
  weights: Record<string, number>;
  /** In the pool's config order, which breaks every tie. */
  members: readonly PoolMemberState[];
  estimatedInputTokens: number;
  maxOutputTokens: number;
  /** For `round_robin`: the pool's fleet-wide counter (`DeploymentStats.nextRoundRobin`). */
  roundRobinCounter: number;
  /** For `weighted`: uniform in [0, 1), injected so tests replay draws. */
  random: () => number;
}

export type PoolChoice = { deploymentId: string; reason: string } | { deploymentId: undefined; reason: string };

/** A strategy's verdict over the available members, before the pool label is put in front of `why`. */
type Verdict = { member: PoolMemberState | undefined; why: string };

/**
 * Which member of a pool serves the request, by the pool's strategy. Only `available` members are
 * considered; `deploymentId` is undefined when none is (or, for `weighted`, none has budget left), and
 * the caller then goes on as if the pool had no say. Pure: counters, stats and randomness come in as data.
 */
export function choosePoolMember(input: PoolChoiceInput): PoolChoice {
  const label = input.pool === undefined ? `pool (${input.strategy})` : `pool ${JSON.stringify(input.pool)} (${input.strategy})`;
  const available = input.members.filter((member) => member.available);
  if (available.length === 0) {
    const ids = input.members.map(idOf).join(", ");
    return { deploymentId: undefined, reason: `${label}: no member available${ids ? ` (${ids})` : ""}` };
  }
  const { member, why } = verdictFor(input, available);
  const reason = `${label}: ${why}`;
  return member ? { deploymentId: member.deployment.id, reason } : { deploymentId: undefined, reason };
}

function verdictFor(input: PoolChoiceInput, available: readonly PoolMemberState[]): Verdict {
  switch (input.strategy) {
    case "round_robin":
      return roundRobin(available, input.roundRobinCounter);
    case "weighted":
      return weighted(available, input.weights, input.random);
    case "least_connections":
      return leastConnections(available);
    case "latency":
      return lowestLatency(available);
    case "cost":
      return cheapest(available, input.estimatedInputTokens, input.maxOutputTokens);
    default: {
      const unknown: never = input.strategy;
      throw new Error(`unknown balancing strategy ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The counter indexes the members available now, so while availability changes the turn order shifts
 * (a member may be skipped or served twice in a row once); with a steady set it cycles evenly.
 */
function roundRobin(available: readonly PoolMemberState[], counter: number): Verdict {
  const count = available.length;
  const turn = ((Math.trunc(Number.isFinite(counter) ? counter : 0) % count) + count) % count;
  const member = available[turn]!;
  return { member, why: `${idOf(member)} is turn ${turn + 1} of ${count} available` };
}

function weighted(available: readonly PoolMemberState[], weights: Record<string, number>, random: () => number): Verdict {
  const candidates = available
    .map((member) => {
      const weight = nonNegative(weights[member.deployment.id] ?? 1);
      const share = Math.min(1, nonNegative(member.remainingShare));
      return { member, weight, share, effective: weight * share };
    })
    .filter((candidate) => candidate.effective > 0);
  if (candidates.length === 0) {
    return { member: undefined, why: `no member has rate budget left (${available.map(idOf).join(", ")})` };
  }
  const total = candidates.reduce((sum, candidate) => sum + candidate.effective, 0);
  const draw = Math.min(Math.max(random(), 0), 1) * total;
  let cumulative = 0;
  // Float sums can leave `draw` a hair above the last boundary when random() is close to 1: the last one wins then.
  let chosen = candidates[candidates.length - 1]!;
  for (const candidate of candidates) {
    cumulative += candidate.effective;
    if (draw < cumulative) {
      chosen = candidate;
      break;
    }
  }
  const chance = percent(chosen.effective / total);
  return {
    member: chosen.member,
    why: `${idOf(chosen.member)} drawn at ${chance} (weight ${chosen.weight} × ${percent(chosen.share)} budget left)`,
  };
}

function leastConnections(available: readonly PoolMemberState[]): Verdict {
  const { best, runnerUp } = lowest(available, (member) => member.inFlight);
  return { member: best, why: `${idOf(best)} has ${best.inFlight} in flight${versus(runnerUp, (member) => String(member.inFlight))}` };
}

/**
 * Members with no latency data are tried first, so every member gets measured (a slow one's average
 * expires after a while, see DeploymentStats, and it is measured afresh). But only one at a time: an
 * unmeasured member that already has calls in flight is being measured, and sending it the whole pool's
 * traffic until its first call returns would pile an unknown, possibly slow, deployment with a burst.
 */
function lowestLatency(available: readonly PoolMemberState[]): Verdict {
  const unmeasured = available.filter((member) => !hasLatency(member));
  const idle = unmeasured.find((member) => member.inFlight <= 0);
  if (idle) return { member: idle, why: `${idOf(idle)} has no latency data yet` };

  const measured = available.filter(hasLatency);
  if (measured.length === 0) {
    // Every member is unmeasured and busy: spread by calls in flight until the first results come back.
    const { best } = lowest(unmeasured, (member) => member.inFlight);
    return { member: best, why: `${idOf(best)} has no latency data yet and the fewest in flight (${best.inFlight})` };
  }
  const { best, runnerUp } = lowest(measured, (member) => member.latencyEwmaMs!);
  return { member: best, why: `${idOf(best)} averages ${milliseconds(best)}${versus(runnerUp, milliseconds)}` };
}

function cheapest(available: readonly PoolMemberState[], inputTokens: number, outputTokens: number): Verdict {
  const costOf = (member: PoolMemberState) =>
    (inputTokens * member.deployment.pricePer1kInputUsd + outputTokens * member.deployment.pricePer1kOutputUsd) / 1000;
  const { best, runnerUp } = lowest(available, costOf);
  const dollars = (member: PoolMemberState) => `$${formatUsd(costOf(member))}`;
  return { member: best, why: `${idOf(best)} costs ${dollars(best)} for this request${versus(runnerUp, dollars)}` };
}

/** The member with the lowest value (the first in config order on a tie), and the lowest of the others. */
function lowest(
  members: readonly PoolMemberState[],
  valueOf: (member: PoolMemberState) => number,
): { best: PoolMemberState; runnerUp: PoolMemberState | undefined } {
  let best = members[0]!;
  let runnerUp: PoolMemberState | undefined;
  for (const member of members.slice(1)) {
    if (valueOf(member) < valueOf(best)) {
      runnerUp = best;
      best = member;
    } else if (runnerUp === undefined || valueOf(member) < valueOf(runnerUp)) {
      runnerUp = member;
    }
  }
  return { best, runnerUp };
}

function versus(runnerUp: PoolMemberState | undefined, show: (member: PoolMemberState) => string): string {
  return runnerUp === undefined ? ", the only member available" : ` vs ${show(runnerUp)}`;
}

const hasLatency = (member: PoolMemberState): boolean => Number.isFinite(member.latencyEwmaMs);
const idOf = (member: PoolMemberState): string => member.deployment.id;
const nonNegative = (value: number): number => (Number.isFinite(value) && value > 0 ? value : 0);
const percent = (share: number): string => `${Math.round(share * 100)}%`;
const milliseconds = (member: PoolMemberState): string => `${Math.round(member.latencyEwmaMs ?? 0)} ms`;
const formatUsd = (usd: number): string => (usd === 0 ? "0" : usd.toPrecision(3));
