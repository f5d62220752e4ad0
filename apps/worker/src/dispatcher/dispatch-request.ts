import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import {
  deploymentQueueName,
  hopJobId,
  tierJobDataSchema,
  tierQueueName,
  TIER_PRIORITY,
  type DeploymentJobData,
  type Hop,
} from "@switchyard/contracts";
import type { SwitchyardConfig } from "@switchyard/config";
import type { QueueRegistry, RequestStore } from "@switchyard/queue";
import { selectDeployments, type Selection } from "@switchyard/routing";
import type { Logger } from "@switchyard/logging";

export interface DispatchDependencies {
  config: SwitchyardConfig;
  store: RequestStore;
  queues: QueueRegistry;
  logger: Logger;
  now: () => number;
}

function summarize(selection: Selection): string {
  const ranked = selection.ranked.map((entry) => `${entry.deployment.id}=${entry.score.toFixed(3)}`).join(", ");
  const relaxed = [
    selection.relaxedMinQuality ? "tier minQuality relaxed" : undefined,
    selection.needsTruncation ? "no context window holds the request: it will be truncated" : undefined,
  ].filter(Boolean);
  const summary = selection.ranked.length > 0 ? `ranked: ${ranked}` : "no eligible deployment";
  return relaxed.length > 0 ? `${summary} (${relaxed.join("; ")})` : summary;
}

/**
 * Consumes a tier job: scores the eligible deployments and enqueues the request into the winner's queue.
 * The deployment job's id derives from the request id and hop number, so a re-run of this job (after a
 * stall) cannot create a second provider job.
 */
export function dispatchRequest(dependencies: DispatchDependencies) {
  const { config, store, queues, logger, now } = dependencies;
  return async (job: Job): Promise<{ deploymentId: string | null }> => {
    const startedAtMs = now();
    const parsed = tierJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, "invalid tier job data");
      throw new UnrecoverableError("invalid tier job data");
    }
    const data = parsed.data;
    const { classification, request } = data;
    const policy = config.tiers[classification.tier];
    const selection = selectDeployments({
      classification,
      constraints: request.constraints,
      requestedModel: request.model,
      maxOutputTokens: request.max_tokens,
      deployments: config.deployments,
      policy,
      weights: policy?.weights ?? config.weights,
    });
    const hop: Hop = {
      n: 1,
      stage: "dispatch",
      queue: tierQueueName(classification.tier),
      jobId: String(job.id),
      attempt: job.attemptsMade + 1,
      outcome: "ok",
      startedAtMs,
      durationMs: 0,
      note: summarize(selection),
    };
    const primary = selection.ranked[0];
    const log = logger.child({ requestId: data.requestId, jobId: job.id });
    if (!primary) {
      const reasons = selection.rejected.map((rejection) => `${rejection.deploymentId}: ${rejection.reason}`).join("; ");
      const error = { code: "no_eligible_deployment" as const, message: `no deployment can serve this request (${reasons})` };
      await store.finish(data.requestId, { status: "failed", error }, { ...hop, outcome: "error", error, durationMs: now() - startedAtMs });
      log.warn({ rejected: selection.rejected.length }, "no eligible deployment");
      return { deploymentId: null };
    }

    const deploymentId = primary.deployment.id;
    const jobData: DeploymentJobData = {
      requestId: data.requestId,
      deploymentId,
      hop: 2,
      request,
      classification,
      acceptedAtMs: data.acceptedAtMs,
    };
    // The record update is issued first on the same (auto-pipelined) connection as the add, so Redis applies
    // it before the provider job exists, without waiting a round trip in between: once the job exists it
    // may finish before a later write could land.
    await Promise.all([
      store.update(data.requestId, {
        status: "dispatched",
        deploymentId,
        hop: { ...hop, deploymentId, durationMs: now() - startedAtMs },
      }),
      queues.deployment(deploymentId).add("call", jobData, {
        jobId: hopJobId(data.requestId, 2),
        priority: TIER_PRIORITY[classification.tier],
      }),
    ]);
    log.debug({ deploymentId, queue: deploymentQueueName(deploymentId) }, "request dispatched");
    return { deploymentId };
  };
}
