import {
  CACHE_STAGE_QUEUE,
  hopJobId,
  TIER_PRIORITY,
  type CascadeState,
  type ChatRequest,
  type Classification,
  type DeploymentJobData,
  type Hop,
  type RequestError,
  type StageJobData,
} from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import { buildFallbackChain, requestedTarget, selectDeployments, type Selection } from "@switchyard/routing";
import type { CascadeDependencies } from "./cascade-dependencies.js";
import { balancePool } from "./balance-pool.js";
import { cachePolicy } from "./cache-policy.js";

export interface RoundInput {
  requestId: string;
  request: ChatRequest;
  classification: Classification;
  acceptedAtMs: number;
  /** The hop this job records (the dispatch job is hop 1; a retry-queue job continues the numbering). */
  hop: Omit<Hop, "outcome" | "durationMs">;
  /** Retry rounds before this one. */
  retryRounds: number;
}

export type RoundOutcome =
  | { kind: "dispatched"; deploymentId: string }
  | { kind: "served_from_cache" }
  | { kind: "no_deployment_now" }
  | { kind: "failed" };

function summarize(selection: Selection, chain: readonly string[]): string {
  const ranked = selection.ranked.map((entry) => `${entry.deployment.id}=${entry.score.toFixed(3)}`).join(", ");
  const relaxed = [
    selection.relaxedMinQuality ? "tier minQuality relaxed" : undefined,
    selection.needsTruncation ? "no context window holds the request: it will be truncated" : undefined,
  ].filter(Boolean);
  const summary = selection.ranked.length > 0 ? `ranked: ${ranked}; fallbacks: ${chain.join(" → ") || "none"}` : "no eligible deployment";
  return relaxed.length > 0 ? `${summary} (${relaxed.join("; ")})` : summary;
}

export function deadlineAtMs(dependencies: Pick<CascadeDependencies, "config">, request: ChatRequest, acceptedAtMs: number): number {
  return acceptedAtMs + (request.constraints?.timeoutMs ?? dependencies.config.resilience.defaultTimeoutMs);
}

/**
 * Starts a round of the cascade: ranks the deployments (open circuits skipped), builds the fallback chain, serves
 * from the cache first when the request prefers it, and enqueues the primary. With every eligible deployment's
 * circuit open the round goes straight to the cache stage (and from there to the retry queue); with none eligible
 * at all the request fails. The next job's id derives from the request id and hop number, so a re-run of this job
 * (after a stall) cannot create a second one.
 */
export async function startRound(dependencies: CascadeDependencies, input: RoundInput): Promise<RoundOutcome> {
  const { config, store, queues, breakers, cache, now } = dependencies;
  const { requestId, request, classification, hop } = input;
  const log = dependencies.logger.child({ requestId, jobId: hop.jobId });
  const policy = config.tiers[classification.tier];
  const circuits = await breakers.snapshots(config.deployments.map((deployment) => deployment.id));
  const selectionInput = {
    classification,
    constraints: request.constraints,
    maxOutputTokens: request.max_tokens,
    deployments: config.deployments,
    policy,
    weights: policy?.weights ?? config.weights,
    isAvailable: (deploymentId: string) => circuits.get(deploymentId)?.state !== "open",
  };
  const target = requestedTarget(request.model, config.deployments, config.pools);
  const selection = selectDeployments({ ...selectionInput, requestedModel: request.model, pools: config.pools });
  // Fallbacks come from every deployment that may serve the request, not only the ones it named.
  const pool = (target.kind === "any" ? selection : selectDeployments(selectionInput)).ranked.map((entry) => entry.deployment);
  const nextHop = hop.n + 1;
  const cascade: CascadeState = {
    fallbacks: [],
    tried: [],
    attemptsOnDeployment: 0,
    providerCalls: 0,
    fallbacksTaken: 0,
    retryRounds: input.retryRounds,
    deadlineAtMs: deadlineAtMs(dependencies, request, input.acceptedAtMs),
  };
  const durationMs = () => now() - hop.startedAtMs;
  const chainFrom = (primary: DeploymentConfig) =>
    buildFallbackChain({ primary, pool, tier: classification.tier, configured: config.fallbacks, maxFallbacks: config.resilience.maxFallbacks });

  let primary = selection.ranked[0]?.deployment;
  let skippedNote = "";
  if (primary && target.kind !== "deployments") {
    // Equivalent deployments in a pool share the load the way the pool says; a request that named one keeps it.
    const balanced = await balancePool(dependencies, {
      primary,
      ...(target.kind === "pool" ? { poolName: target.name } : {}),
      eligible: pool,
      circuits,
      estimatedInputTokens: classification.estimatedInputTokens,
      maxOutputTokens: request.max_tokens ?? primary.defaultMaxOutputTokens,
    });
    if (balanced) {
      primary = balanced.deployment;
      skippedNote = `; ${balanced.reason}`;
    }
  }
  if (primary) {
    cascade.fallbacks = chainFrom(primary);
  } else {
    // The deployment the request named has an open circuit: its fallbacks serve it, as after a failed call there.
    const named = config.deployments.find((deployment) =>
      selection.rejected.some((rejection) => rejection.deploymentId === deployment.id && rejection.reason === "unavailable"),
    );
    const [first, ...rest] = named ? chainFrom(named) : [];
    const firstDeployment = config.deployments.find((deployment) => deployment.id === first);
    if (named && firstDeployment) {
      primary = firstDeployment;
      Object.assign(cascade, { fallbacks: rest, tried: [named.id], fallbacksTaken: 1 });
      skippedNote = `; ${named.id} (requested) has an open circuit, falling back to ${firstDeployment.id}`;
    }
  }

  if (!primary) {
    const onlyOpenCircuits = selection.rejected.some((rejection) => rejection.reason === "unavailable");
    const reasons = selection.rejected.map((rejection) => `${rejection.deploymentId}: ${rejection.reason}`).join("; ");
    if (!onlyOpenCircuits) {
      const error: RequestError = { code: "no_eligible_deployment", message: `no deployment can serve this request (${reasons})` };
      await store.finish(requestId, { status: "failed", error }, { ...hop, outcome: "error", error, durationMs: durationMs(), note: summarize(selection, []) });
      log.warn({ rejected: selection.rejected.length }, "no eligible deployment");
      return { kind: "failed" };
    }
    // Every deployment that could serve it has an open circuit: try the cache, then wait in the retry queue.
    const lastError: RequestError = { code: "circuit_open", message: `every eligible deployment's circuit is open (${reasons})` };
    const stageJob: StageJobData = { requestId, hop: nextHop, request, classification, acceptedAtMs: input.acceptedAtMs, cascade, lastError };
    await Promise.all([
      store.update(requestId, { hop: { ...hop, outcome: "error", error: lastError, durationMs: durationMs(), note: summarize(selection, []) } }),
      queues.byName(CACHE_STAGE_QUEUE).add("cache", stageJob, { jobId: hopJobId(requestId, nextHop) }),
    ]);
    log.info("every eligible circuit is open; to the cache stage");
    return { kind: "no_deployment_now" };
  }

  const note = `${summarize(selection, cascade.fallbacks)}${skippedNote}`;

  const caching = cachePolicy(request, classification, config.resilience.cache);
  if (caching.mode === "prefer") {
    const cached = await cache.get(request.tenant ?? "default", request, { privateOnly: caching.privateOnly });
    if (cached) {
      await store.finish(
        requestId,
        { status: "succeeded", result: cached.result, usage: cached.result.usage, costUsd: 0, deploymentId: cached.deploymentId, servedFromCache: true },
        { ...hop, outcome: "ok", durationMs: durationMs(), note: `${note}; served from the response cache (cache: prefer)` },
      );
      log.info({ deploymentId: cached.deploymentId }, "served from the response cache");
      return { kind: "served_from_cache" };
    }
  }

  const deploymentId = primary.id;
  const jobData: DeploymentJobData = {
    requestId,
    deploymentId,
    hop: nextHop,
    request,
    classification,
    acceptedAtMs: input.acceptedAtMs,
    cascade,
  };
  // The record update is issued first on the same connection as the add, so Redis applies it
  // before the provider job exists, without waiting a round trip in between.
  await Promise.all([
    store.update(requestId, { status: "dispatched", deploymentId, hop: { ...hop, deploymentId, outcome: "ok", durationMs: durationMs(), note } }),
    queues.deployment(deploymentId).add("call", jobData, { jobId: hopJobId(requestId, nextHop), priority: TIER_PRIORITY[classification.tier] }),
  ]);
  log.debug({ deploymentId }, "request dispatched");
  return { kind: "dispatched", deploymentId };
}
