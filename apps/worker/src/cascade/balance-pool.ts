import type { DeploymentConfig } from "@switchyard/config";
import type { CircuitSnapshot, LimiterSnapshot } from "@switchyard/queue";
import { choosePoolMember, type PoolMemberState } from "@switchyard/routing";
import type { CascadeDependencies } from "./cascade-dependencies.js";

export interface PoolBalanceInput {
  /** The router's first choice. */
  primary: DeploymentConfig;
  /** The pool the request named as its `model`; otherwise the first pool the primary belongs to. */
  poolName?: string;
  /** Deployments that may serve the request (hard constraints passed, circuits not open), best first. */
  eligible: readonly DeploymentConfig[];
  circuits: ReadonlyMap<string, CircuitSnapshot>;
  estimatedInputTokens: number;
  maxOutputTokens: number;
}

/** 0..1: the smaller of the shares of its request and token budgets left in the window; 1 when unlimited. */
function remainingShare(snapshot: LimiterSnapshot | undefined): number {
  if (!snapshot) return 1;
  const requests = snapshot.rpm ? 1 - snapshot.requestsInWindow / snapshot.rpm : 1;
  const tokens = snapshot.tpm ? 1 - snapshot.tokensInWindow / snapshot.tpm : 1;
  const provider = snapshot.providerRequestsRemaining === 0 || snapshot.providerTokensRemaining === 0 ? 0 : 1;
  return Math.max(0, Math.min(requests, tokens, provider));
}

/**
 * When the router's first choice belongs to a pool, the pool's strategy picks which eligible member serves the
 * request, from fleet-wide state read in one round trip: in-flight counts and remaining budgets (the rate limiter),
 * latency averages and the round-robin turn. Members without capacity, with an open circuit, or outside the
 * request's hard constraints are skipped. Undefined when the primary is in no pool or no member can take it now
 * (the primary then stands, and its own budget decides).
 */
export async function balancePool(
  dependencies: Pick<CascadeDependencies, "config" | "limiter" | "stats" | "random">,
  input: PoolBalanceInput,
): Promise<{ deployment: DeploymentConfig; reason: string } | undefined> {
  const { config, limiter, stats } = dependencies;
  const named = input.poolName === undefined ? undefined : config.pools[input.poolName];
  const entry: [string, (typeof config.pools)[string]] | undefined =
    named && input.poolName !== undefined ? [input.poolName, named] : Object.entries(config.pools).find(([, pool]) => pool.deployments.includes(input.primary.id));
  if (!entry) return undefined;
  const [name, pool] = entry;
  const eligible = new Map(input.eligible.map((deployment) => [deployment.id, deployment]));
  const members = pool.deployments.flatMap((id) => {
    const deployment = config.deployments.find((candidate) => candidate.id === id);
    return deployment ? [deployment] : [];
  });
  const ids = members.map((deployment) => deployment.id);
  const [snapshots, latencies, turn] = await Promise.all([
    limiter.snapshots(ids, (id) => (members.find((deployment) => deployment.id === id) as DeploymentConfig).limits),
    pool.strategy === "latency" ? stats.latencies(ids) : undefined,
    pool.strategy === "round_robin" ? stats.nextRoundRobin(name) : 0,
  ]);
  const states: PoolMemberState[] = members.map((deployment) => {
    const snapshot = snapshots.get(deployment.id);
    const share = remainingShare(snapshot);
    const inFlight = snapshot?.inFlight ?? 0;
    const open = input.circuits.get(deployment.id)?.state === "open";
    const latencyEwmaMs = latencies?.get(deployment.id);
    return {
      deployment,
      available: eligible.has(deployment.id) && !open && share > 0 && inFlight < deployment.limits.concurrency,
      inFlight,
      remainingShare: share,
      ...(latencyEwmaMs === undefined ? {} : { latencyEwmaMs }),
    };
  });
  const choice = choosePoolMember({
    strategy: pool.strategy,
    pool: name,
    weights: pool.weights,
    members: states,
    estimatedInputTokens: input.estimatedInputTokens,
    maxOutputTokens: input.maxOutputTokens,
    roundRobinCounter: turn,
    random: dependencies.random,
  });
  const chosen = choice.deploymentId === undefined ? undefined : eligible.get(choice.deploymentId);
  return chosen ? { deployment: chosen, reason: choice.reason } : undefined;
}
