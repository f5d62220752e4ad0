import { UnrecoverableError } from "bullmq";
import {
  CACHE_STAGE_QUEUE,
  hopJobId,
  ProviderError,
  TIER_PRIORITY,
  type DeploymentJobData,
  type Hop,
  type ProviderErrorData,
  type ProviderErrorKind,
  type RequestError,
  type StageJobData,
} from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import { decideAfterFailure, type FailureDecision, type FailureKind } from "@switchyard/routing";
import type { Logger } from "@switchyard/logging";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";

/**
 * Failures that say the deployment itself is unhealthy and count towards opening its circuit. The others say
 * something about the request (bad_request, context_length, content_filtered) or about load the rate limiter
 * handles (rate_limited): the deployment answered, so for the breaker they count as a working call.
 */
export const UNHEALTHY: ReadonlySet<ProviderErrorKind> = new Set(["server", "overloaded", "timeout", "network", "invalid_response"]);

export interface FailedCall {
  data: DeploymentJobData;
  deployment: DeploymentConfig;
  /** The hop this job records, without its outcome. */
  hop: Omit<Hop, "outcome" | "durationMs">;
  /** What went wrong: a thrown error, or a refusal before any call (`circuit_open`, `no_capacity`). */
  error: unknown;
  /** The call was the circuit's half-open probe. */
  probe: boolean;
  log: Logger;
}

function describe(error: unknown, deploymentId: string): { kind: FailureKind | "internal"; requestError: RequestError; providerError?: ProviderErrorData } {
  if (error === "circuit_open") {
    return { kind: "circuit_open", requestError: { code: "circuit_open", message: `${deploymentId}'s circuit is open`, deploymentId } };
  }
  if (error === "no_capacity") {
    const message = `${deploymentId}'s rate budget cannot take the request before its deadline`;
    return { kind: "no_capacity", requestError: { code: "no_capacity", message, deploymentId } };
  }
  if (ProviderError.is(error)) {
    const data = error.data;
    return {
      kind: data.kind,
      providerError: data,
      requestError: {
        code: data.kind,
        message: data.message,
        deploymentId,
        ...(data.httpStatus !== undefined ? { httpStatus: data.httpStatus } : {}),
      },
    };
  }
  return { kind: "internal", requestError: { code: "internal", message: error instanceof Error ? error.message : String(error), deploymentId } };
}

/**
 * The single place where a failed provider call becomes queue behaviour. The decision itself is pure
 * (`decideAfterFailure`, the config's matrix); here it is carried out: the breaker learns of the failure, the hop
 * is recorded, and the next job is enqueued (the same deployment after a delay, a fallback, or the cache stage) or
 * the request fails. The next job's id derives from the request id and hop number, so a re-run of this job cannot
 * enqueue it twice. Returns the error to fail this BullMQ job with, so the hop shows as failed in Bull Board.
 */
export async function handleProviderFailure(dependencies: CascadeDependencies, failed: FailedCall): Promise<Error> {
  const { config, store, queues, breakers, now, random } = dependencies;
  const { data, deployment, hop, probe, log } = failed;
  const described = describe(failed.error, deployment.id);
  const durationMs = now() - hop.startedAtMs;
  const erroredHop: Hop = { ...hop, outcome: "error", error: described.requestError, durationMs };

  if (described.kind === "internal") {
    // A bug, not a provider failure: fail loudly rather than spend other deployments on it.
    await store.finish(data.requestId, { status: "failed", error: described.requestError }, erroredHop);
    log.error({ err: failed.error }, "provider stage failed internally");
    return new UnrecoverableError(`internal: ${described.requestError.message}`);
  }

  const decision: FailureDecision = decideAfterFailure({
    kind: described.kind,
    ...(described.providerError?.retryAfterMs !== undefined ? { retryAfterMs: described.providerError.retryAfterMs } : {}),
    deployment,
    cascade: data.cascade,
    deployments: new Map(config.deployments.map((candidate) => [candidate.id, candidate])),
    resilience: config.resilience,
    nowMs: now(),
    random,
  });
  await teachBreaker(dependencies, deployment.id, described.kind, decision, probe, log);

  const step = decision.step;
  const note = step.reason;
  const nextHop = data.hop + 1;
  const options = { jobId: hopJobId(data.requestId, nextHop), priority: TIER_PRIORITY[data.classification.tier] };
  switch (step.kind) {
    case "retry_same":
    case "fallback": {
      const target = step.kind === "retry_same" ? deployment.id : step.deploymentId;
      const next: DeploymentJobData = { ...data, deploymentId: target, hop: nextHop, cascade: step.cascade };
      await Promise.all([
        store.update(data.requestId, { status: "dispatched", deploymentId: target, hop: { ...erroredHop, note } }),
        queues.deployment(target).add("call", next, step.kind === "retry_same" ? { ...options, delay: step.delayMs } : options),
      ]);
      break;
    }
    case "exhausted": {
      const next: StageJobData = {
        requestId: data.requestId,
        hop: nextHop,
        request: data.request,
        classification: data.classification,
        acceptedAtMs: data.acceptedAtMs,
        cascade: step.cascade,
        lastError: described.requestError,
      };
      await Promise.all([
        store.update(data.requestId, { hop: { ...erroredHop, note } }),
        queues.byName(CACHE_STAGE_QUEUE).add("cache", next, { jobId: options.jobId }),
      ]);
      break;
    }
    case "fail":
      await store.finish(data.requestId, { status: "failed", error: described.requestError }, { ...erroredHop, note });
      break;
  }
  log.warn({ error: described.providerError ?? described.requestError, next: step.kind }, "provider call failed");
  return new UnrecoverableError(`${described.requestError.code}: ${described.requestError.message} (${step.kind})`);
}

async function teachBreaker(
  dependencies: CascadeDependencies,
  deploymentId: string,
  kind: FailureKind,
  decision: FailureDecision,
  probe: boolean,
  log: Logger,
): Promise<void> {
  if (kind === "circuit_open" || kind === "no_capacity") return;
  try {
    const transition = decision.openCircuit
      ? await dependencies.breakers.trip(deploymentId)
      : UNHEALTHY.has(kind)
        ? await dependencies.breakers.recordFailure(deploymentId, probe)
        : await dependencies.breakers.recordSuccess(deploymentId, probe);
    if (decision.openCircuit) log.error({ alert: "deployment_circuit_tripped", deploymentId, kind, transition }, `ALERT: ${deploymentId} answered ${kind}; circuit opened`);
    else if (transition) log.warn({ deploymentId, transition, kind }, `circuit ${transition}`);
  } catch (error) {
    // The breaker is advice: losing one update must not lose the request.
    log.warn({ err: error }, "could not update the circuit breaker");
  }
}
