import type { CascadeState, ProviderErrorKind } from "@switchyard/contracts";
import type { DeploymentConfig, FailurePolicy, ResilienceConfig } from "@switchyard/config";
import { backoffDelayMs } from "./backoff-delay.js";

/**
 * A provider error kind, or a refusal before any call was made: `circuit_open` (the deployment's breaker) or
 * `no_capacity` (its rate budget cannot take the request before the deadline, or ever).
 */
export type FailureKind = ProviderErrorKind | "circuit_open" | "no_capacity";

export interface FailureInput {
  kind: FailureKind;
  /** The provider's `retry-after`, when it sent one. */
  retryAfterMs?: number;
  /** The deployment that failed. */
  deployment: DeploymentConfig;
  /** The cascade as the failed job carried it (this call not yet counted). */
  cascade: CascadeState;
  /** Every configured deployment, to judge fallbacks by latency, context window and provider. */
  deployments: ReadonlyMap<string, DeploymentConfig>;
  resilience: Pick<ResilienceConfig, "onFailure" | "retryBackoff" | "maxProviderCalls" | "maxFallbacks">;
  nowMs: number;
  /** Uniform in [0, 1), for jitter. */
  random: () => number;
}

export type NextStep =
  /** Call the same deployment again after `delayMs`. */
  | { kind: "retry_same"; delayMs: number; cascade: CascadeState; reason: string }
  /** Call `deploymentId` now. */
  | { kind: "fallback"; deploymentId: string; cascade: CascadeState; reason: string }
  /** Nothing left in this round: the cache stage, then the retry queue. */
  | { kind: "exhausted"; cascade: CascadeState; reason: string }
  /** The request cannot succeed anywhere (the caller's fault, or no deployment can take it): fail now. */
  | { kind: "fail"; reason: string };

export interface FailureDecision {
  step: NextStep;
  /** Open the failed deployment's circuit now (auth, quota): no more calls there until a probe succeeds. */
  openCircuit: boolean;
  /** The policy row applied (absent for `circuit_open`). */
  policy?: FailurePolicy;
}

/**
 * The decision matrix (config `resilience.onFailure`, defaults in `DEFAULT_FAILURE_POLICIES`) applied to one
 * failed call. Pure: the job's cascade state, the config and the clock in, the next step out. Budgets keep every
 * path finite: calls per deployment (`maxAttempts`), calls per round (`maxProviderCalls`), fallbacks per round
 * (`maxFallbacks`), and the request's deadline; a deployment is never fallen back to twice in a round.
 */
export function decideAfterFailure(input: FailureInput): FailureDecision {
  const { kind, cascade, nowMs } = input;
  const callMade = kind !== "circuit_open" && kind !== "no_capacity";
  const after: CascadeState = callMade
    ? { ...cascade, providerCalls: cascade.providerCalls + 1, attemptsOnDeployment: cascade.attemptsOnDeployment + 1 }
    : cascade;
  if (!callMade) return { step: fallBack(input, after, () => true, kind === "circuit_open" ? "circuit open" : "no capacity"), openCircuit: false };

  const policy = input.resilience.onFailure[kind];
  const openCircuit = policy.action === "open_circuit_and_fallback";
  const callsLeft = after.providerCalls < input.resilience.maxProviderCalls;
  const attemptsLeft = after.attemptsOnDeployment < policy.maxAttempts;
  const retryIfItFits = (delayMs: number, why: string): NextStep | undefined =>
    callsLeft && attemptsLeft && nowMs + delayMs < after.deadlineAtMs
      ? { kind: "retry_same", delayMs, cascade: after, reason: `${why}; attempt ${after.attemptsOnDeployment + 1} of ${policy.maxAttempts}` }
      : undefined;
  const current = input.deployment;

  switch (policy.action) {
    case "fail":
      return { step: { kind: "fail", reason: `${kind}: the request itself is at fault, no fallback` }, openCircuit, policy };
    case "retry_then_fallback": {
      const delayMs = backoffDelayMs(after.attemptsOnDeployment, input.resilience.retryBackoff, input.random);
      const step = retryIfItFits(delayMs, `${kind}: retrying after ${delayMs} ms backoff`);
      return { step: step ?? fallBack(input, after, () => true, `${kind}, retries spent`), openCircuit, policy };
    }
    case "wait_or_fallback": {
      const delayMs = input.retryAfterMs ?? backoffDelayMs(after.attemptsOnDeployment, input.resilience.retryBackoff, input.random);
      const step = retryIfItFits(delayMs, `${kind}: waiting ${delayMs} ms as the provider asked`);
      return { step: step ?? fallBack(input, after, () => true, `${kind}, the wait does not fit`), openCircuit, policy };
    }
    case "fallback_faster": {
      const faster = (candidate: DeploymentConfig) => candidate.typicalLatencyMs < current.typicalLatencyMs;
      return { step: fallBack(input, after, faster, kind, { preferOnly: true }), openCircuit, policy };
    }
    case "fallback_larger_context": {
      const larger = (candidate: DeploymentConfig) => candidate.contextWindowTokens > current.contextWindowTokens;
      const step = fallBack(input, after, larger, kind);
      return {
        step: step.kind === "exhausted" && !hasCandidate(input, after, larger) ? { kind: "fail", reason: `${kind}: no larger context window to fall back to` } : step,
        openCircuit,
        policy,
      };
    }
    case "fallback_other_provider": {
      const otherProvider = (candidate: DeploymentConfig) => candidate.provider !== current.provider;
      return { step: fallBack(input, after, otherProvider, kind), openCircuit, policy };
    }
    case "open_circuit_and_fallback":
      return { step: fallBack(input, after, () => true, `${kind}: circuit opened`), openCircuit, policy };
  }
}

function hasCandidate(input: FailureInput, cascade: CascadeState, accept: (candidate: DeploymentConfig) => boolean): boolean {
  return cascade.fallbacks.some((id) => {
    const candidate = input.deployments.get(id);
    return candidate !== undefined && accept(candidate);
  });
}

/**
 * The first deployment left in the chain that `accept`s (with `preferOnly`, the first one at all when none
 * does), if the round's budgets and the deadline allow another call.
 */
function fallBack(
  input: FailureInput,
  cascade: CascadeState,
  accept: (candidate: DeploymentConfig) => boolean,
  why: string,
  options: { preferOnly?: boolean } = {},
): NextStep {
  const { resilience, nowMs } = input;
  if (cascade.providerCalls >= resilience.maxProviderCalls) {
    return { kind: "exhausted", cascade, reason: `${why}; the round's ${resilience.maxProviderCalls} provider calls are spent` };
  }
  if (cascade.fallbacksTaken >= resilience.maxFallbacks) {
    return { kind: "exhausted", cascade, reason: `${why}; the round's ${resilience.maxFallbacks} fallbacks are spent` };
  }
  if (nowMs >= cascade.deadlineAtMs) return { kind: "exhausted", cascade, reason: `${why}; the deadline has passed` };
  const known = cascade.fallbacks.filter((id) => input.deployments.has(id));
  const next =
    known.find((id) => accept(input.deployments.get(id) as DeploymentConfig)) ?? (options.preferOnly ? known[0] : undefined);
  if (next === undefined) return { kind: "exhausted", cascade, reason: `${why}; no fallback left` };
  return {
    kind: "fallback",
    deploymentId: next,
    reason: `${why}; falling back to ${next}`,
    cascade: {
      ...cascade,
      fallbacks: cascade.fallbacks.filter((id) => id !== next),
      tried: [...cascade.tried, input.deployment.id],
      attemptsOnDeployment: 0,
      fallbacksTaken: cascade.fallbacksTaken + 1,
    },
  };
}
