import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { deploymentJobDataSchema, deploymentQueueName, type Hop } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { RequestStore } from "@switchyard/queue";
import type { AdapterRegistry } from "@switchyard/providers";
import { resolveApiKey } from "@switchyard/providers";
import { costUsd } from "@switchyard/routing";
import type { Logger } from "@switchyard/logging";
import { decideFailure, toQueueError } from "../failure/provider-failure.js";

export interface CallDependencies {
  deployment: DeploymentConfig;
  adapters: AdapterRegistry;
  store: RequestStore;
  logger: Logger;
  now: () => number;
  env?: Record<string, string | undefined>;
}

/** Consumes a deployment job: calls the provider and records the outcome on the request, once. */
export function callDeployment(dependencies: CallDependencies) {
  const { deployment, adapters, store, logger, now } = dependencies;
  const adapter = adapters.forFormat(deployment.format);
  const apiKey = resolveApiKey(deployment, dependencies.env ?? process.env);
  const queue = deploymentQueueName(deployment.id);

  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<{ outcome: string }> => {
    const startedAtMs = now();
    const parsed = deploymentJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, "invalid deployment job data");
      throw new UnrecoverableError("invalid deployment job data");
    }
    const data = parsed.data;
    const log = logger.child({ requestId: data.requestId, jobId: job.id, deploymentId: deployment.id });
    const marked = await store.update(data.requestId, { status: "running" });
    if (marked !== "applied") {
      // Already terminal (a stalled job re-run after its outcome was recorded) or expired: do not call again.
      log.info({ marked }, "skipping provider call for a finished or missing request");
      return { outcome: marked };
    }
    const hop: Omit<Hop, "outcome" | "durationMs"> = {
      n: data.hop,
      stage: "provider",
      queue,
      jobId: String(job.id),
      deploymentId: deployment.id,
      attempt: job.attemptsMade + 1,
      startedAtMs,
    };
    try {
      const result = await adapter.chat({ deployment, request: data.request, ...(apiKey ? { apiKey } : {}), ...(signal ? { signal } : {}) });
      const cost = costUsd(deployment, result.usage);
      await store.finish(
        data.requestId,
        { status: "succeeded", result, usage: result.usage, costUsd: cost, deploymentId: deployment.id },
        { ...hop, outcome: "ok", durationMs: now() - startedAtMs },
      );
      log.info({ durationMs: now() - startedAtMs, usage: result.usage, costUsd: cost }, "provider call succeeded");
      return { outcome: "succeeded" };
    } catch (error) {
      const action = decideFailure(error, deployment.id);
      await store.finish(
        data.requestId,
        { status: "failed", error: action.error },
        { ...hop, outcome: "error", error: action.error, durationMs: now() - startedAtMs },
      );
      log.warn({ error: action.providerError ?? action.error }, "provider call failed");
      throw toQueueError(action);
    }
  };
}
