import type { Classification, Domain, RequestConstraints } from "@switchyard/contracts";
import type { DeploymentConfig, ScoringWeights, TierPolicy } from "@switchyard/config";
import { blendedPricePer1kUsd } from "./estimate-cost.js";
import { requestedTarget } from "./requested-target.js";

export interface SelectionInput {
  classification: Classification;
  constraints?: RequestConstraints;
  /**
   * `request.model`. A deployment id or a deployment's model id restricts the choice to the deployments
   * it names, a pool's name to the pool's members (still subject to every other constraint, privacy
   * first). `auto`, absent, or a name nothing knows leaves the choice to the router: OpenAI clients send
   * their own model names, and Switchyard's job is to pick.
   */
  requestedModel?: string;
  /** `config.pools`: the names `requestedModel` may give, with their members. */
  pools?: Readonly<Record<string, { deployments: readonly string[] }>>;
  /** `request.max_tokens`; each deployment's `defaultMaxOutputTokens` when absent. */
  maxOutputTokens?: number;
  deployments: readonly DeploymentConfig[];
  /** `config.tiers[classification.tier]`. */
  policy?: TierPolicy;
  /** `config.weights`; `policy.weights` wins when set. */
  weights: ScoringWeights;
  /** Hook for circuit breakers and paused queues; every deployment is available by default. */
  isAvailable?: (deploymentId: string) => boolean;
}

export interface ScoredDeployment {
  deployment: DeploymentConfig;
  /** Weighted mean of the breakdown, 0..1. */
  score: number;
  /** Each component in 0..1, higher is better: domain quality, relative cheapness, relative speed. */
  breakdown: { quality: number; cost: number; latency: number };
}

export interface Rejection {
  deploymentId: string;
  /** Human-readable; goes into the dispatch hop and the `no_eligible_deployment` error. */
  reason: string;
}

export interface Selection {
  /** Best first. `ranked[0]` is the primary and the rest the natural fallback order. */
  ranked: ScoredDeployment[];
  /** Deployments that failed a hard constraint, in config order, with the first constraint they failed. */
  rejected: Rejection[];
  /**
   * True when the tier's `minQuality` rejected every otherwise eligible deployment and was ignored: an
   * answer from a weaker model beats no answer, unlike privacy, cost or latency limits, which the
   * caller or the data imposes.
   */
  relaxedMinQuality: boolean;
  /**
   * True when no eligible deployment's context window holds the request: the ranked ones will get it
   * truncated by the documented policy (whole oldest turns), or refuse it if even that cannot fit.
   */
  needsTruncation: boolean;
}


/**
 * The blend is float arithmetic: (0.003 + 0.006) / 2 is 0.0045000000000000005, and a caller who sets
 * `maxCostPer1k` to the price we display must not be refused. Real prices differ by far more than this.
 */
const PRICE_TOLERANCE_USD = 1e-12;

/** Quality for the request's domain; `general` stands in for domains the deployment does not list. */
export function qualityFor(deployment: DeploymentConfig, domain: Domain): number {
  return deployment.quality[domain] ?? deployment.quality.general ?? 0;
}

/**
 * Why the request may only go to private deployments, or undefined when it may go anywhere. PII is
 * checked through `piiKinds` too, so a hand-built classification that lists kinds but forgot the flag
 * still cannot leak.
 */
export function privacyRequirement(
  classification: Classification,
  constraints?: RequestConstraints,
  policy?: TierPolicy,
): string | undefined {
  if (classification.containsPii || classification.piiKinds.length > 0) return "request contains PII";
  if (classification.tier === "private") return "private tier";
  if (policy?.privateOnly === true) return "tier allows only private deployments";
  if (constraints?.requiresLocal === true) return "requiresLocal";
  return undefined;
}

/** Up to 6 significant digits, without float noise (0.0010000000000000002 → 0.001). */
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * A hard violation always rejects. `soft` (below the tier's `minQuality`) and `short` (context window too
 * small without truncation) reject unless they would reject every deployment that passes the hard ones.
 */
interface Verdict {
  deployment: DeploymentConfig;
  hard?: string;
  soft?: string;
  short?: string;
}

function compareScored(a: ScoredDeployment, b: ScoredDeployment): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.deployment.id < b.deployment.id ? -1 : a.deployment.id > b.deployment.id ? 1 : 0;
}

function score(candidates: readonly DeploymentConfig[], domain: Domain, weights: ScoringWeights): ScoredDeployment[] {
  // Relative to the candidates, as in the seed guide: the dearest and slowest score 0 on that axis.
  const maxPrice = Math.max(0, ...candidates.map(blendedPricePer1kUsd));
  const maxLatencyMs = Math.max(0, ...candidates.map((deployment) => deployment.typicalLatencyMs));
  const weightSum = weights.quality + weights.cost + weights.latency;
  return candidates
    .map((deployment) => {
      const breakdown = {
        quality: qualityFor(deployment, domain),
        cost: maxPrice > 0 ? 1 - blendedPricePer1kUsd(deployment) / maxPrice : 1,
        latency: maxLatencyMs > 0 ? 1 - deployment.typicalLatencyMs / maxLatencyMs : 1,
      };
      const weighted =
        breakdown.quality * weights.quality + breakdown.cost * weights.cost + breakdown.latency * weights.latency;
      return { deployment, score: weightSum > 0 ? weighted / weightSum : 0, breakdown };
    })
    .sort(compareScored);
}

/**
 * Ranks the deployments that may serve a request. Hard constraints run first, in this order, and a
 * deployment is rejected with the first one it fails: enabled, available, privacy, requested model,
 * the tier's allowlist, `maxCostPer1k`, `maxLatencyMs`. The tier's `minQuality`, then the context window
 * (the worker truncates), are relaxed only when they would reject every remaining deployment.
 *
 * Privacy is a safety invariant: when it applies, a non-private deployment is never ranked, whatever
 * the requested model, tier policy or weights say.
 */
export function selectDeployments(input: SelectionInput): Selection {
  const { classification, constraints, policy, deployments } = input;
  const weights = policy?.weights ?? input.weights;
  const isAvailable = input.isAvailable ?? (() => true);
  const privacy = privacyRequirement(classification, constraints, policy);
  const target = requestedTarget(input.requestedModel, deployments, input.pools);
  const allowlist = policy?.deployments ? new Set(policy.deployments) : undefined;
  const domain = classification.domain;

  const hardViolation = (deployment: DeploymentConfig): string | undefined => {
    if (!deployment.enabled) return "disabled";
    if (privacy !== undefined && !deployment.private) return `${privacy}: deployment is not private`;
    if (target.kind === "deployments" && deployment.id !== target.model && deployment.model !== target.model) {
      return `not the requested model "${target.model}"`;
    }
    if (target.kind === "pool" && !target.members.has(deployment.id)) return `not in the requested pool "${target.name}"`;
    if (allowlist && !allowlist.has(deployment.id)) return `not in the ${classification.tier} tier's deployments`;
    const price = blendedPricePer1kUsd(deployment);
    if (constraints?.maxCostPer1k !== undefined && price - constraints.maxCostPer1k > PRICE_TOLERANCE_USD) {
      return `blended price ${formatNumber(price)} > maxCostPer1k ${formatNumber(constraints.maxCostPer1k)}`;
    }
    if (constraints?.maxLatencyMs !== undefined && deployment.typicalLatencyMs > constraints.maxLatencyMs) {
      return `typical latency ${deployment.typicalLatencyMs}ms > maxLatencyMs ${constraints.maxLatencyMs}`;
    }
    // Last, so "unavailable" means "would serve it, but not now" (an open circuit).
    if (!isAvailable(deployment.id)) return "unavailable";
    return undefined;
  };

  const verdicts = deployments.map((deployment): Verdict => {
    const hard = hardViolation(deployment);
    if (hard !== undefined) return { deployment, hard };
    const verdict: Verdict = { deployment };
    const tokensNeeded =
      classification.estimatedInputTokens + (input.maxOutputTokens ?? deployment.defaultMaxOutputTokens);
    if (deployment.contextWindowTokens < tokensNeeded) {
      verdict.short = `context window ${deployment.contextWindowTokens} < ${tokensNeeded} tokens needed`;
    }
    const quality = qualityFor(deployment, domain);
    if (policy?.minQuality !== undefined && quality < policy.minQuality) {
      verdict.soft = `${domain} quality ${quality.toFixed(2)} < tier minimum ${policy.minQuality.toFixed(2)}`;
    }
    return verdict;
  });

  // Relaxations, in order: first a lower-quality deployment that fits, then one that needs the request
  // truncated (whole oldest turns, at the worker), then both. Hard constraints are never relaxed.
  const passes = verdicts.filter((verdict) => verdict.hard === undefined);
  const levels: Array<{ relaxQuality: boolean; relaxContext: boolean }> = [
    { relaxQuality: false, relaxContext: false },
    { relaxQuality: true, relaxContext: false },
    { relaxQuality: false, relaxContext: true },
    { relaxQuality: true, relaxContext: true },
  ];
  const accepts = (verdict: Verdict, level: { relaxQuality: boolean; relaxContext: boolean }) =>
    (level.relaxQuality || verdict.soft === undefined) && (level.relaxContext || verdict.short === undefined);
  const level = levels.find((candidate) => passes.some((verdict) => accepts(verdict, candidate))) ?? levels[0]!;
  const chosen = passes.filter((verdict) => accepts(verdict, level));
  const chosenIds = new Set(chosen.map((verdict) => verdict.deployment.id));

  const rejected: Rejection[] = [];
  for (const verdict of verdicts) {
    if (chosenIds.has(verdict.deployment.id)) continue;
    const reason = verdict.hard ?? verdict.short ?? verdict.soft;
    if (reason !== undefined) rejected.push({ deploymentId: verdict.deployment.id, reason });
  }
  return {
    ranked: score(
      chosen.map((verdict) => verdict.deployment),
      domain,
      weights,
    ),
    rejected,
    relaxedMinQuality: level.relaxQuality && chosen.some((verdict) => verdict.soft !== undefined),
    needsTruncation: level.relaxContext,
  };
}
