import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { deploymentJobDataSchema, deploymentQueueName, ProviderError, type Hop, type RateLimitState } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { RateLimitStore, RequestStore } from "@switchyard/queue";
import type { AdapterRegistry } from "@switchyard/providers";
import { resolveApiKey } from "@switchyard/providers";
import { costUsd } from "@switchyard/routing";
import { applyAdjustments, fitContextWindow } from "@switchyard/transform";
import type { Logger } from "@switchyard/logging";
import { decideFailure, toQueueError } from "../failure/provider-failure.js";

export interface CallDependencies {
  deployment: DeploymentConfig;
  adapters: AdapterRegistry;
  store: RequestStore;
  rateLimits: RateLimitStore;
  logger: Logger;
  now: () => number;
  env?: Record<string, string | undefined>;
}

/**
 * Consumes a deployment job: fits the request to the deployment (context window, prompt adjustments),
 * calls the provider, and records the outcome on the request, once.
 */
export function callDeployment(dependencies: CallDependencies) {
  const { deployment, adapters, store, rateLimits, logger, now } = dependencies;
  const adapter = adapters.forFormat(deployment.format);
  const apiKey = resolveApiKey(deployment, dependencies.env ?? process.env);
  const queue = deploymentQueueName(deployment.id);

  const rememberRateLimit = (state: RateLimitState | undefined, log: Logger) => {
    if (state) rateLimits.record(deployment.id, state).catch((error) => log.warn({ err: error }, "could not record rate-limit state"));
  };

  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<{ outcome: string }> => {
    const startedAtMs = now();
    const parsed = deploymentJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, "invalid deployment job data");
      throw new UnrecoverableError("invalid deployment job data");
    }
    const data = parsed.data;
    const log = logger.child({ requestId: data.requestId, jobId: job.id, deploymentId: deployment.id });
    const hop: Omit<Hop, "outcome" | "durationMs"> = {
      n: data.hop,
      stage: "provider",
      queue,
      jobId: String(job.id),
      deploymentId: deployment.id,
      attempt: job.attemptsMade + 1,
      startedAtMs,
    };

    const fitted = fitContextWindow(data.request, {
      contextWindowTokens: deployment.contextWindowTokens,
      outputTokens: data.request.max_tokens ?? deployment.defaultMaxOutputTokens,
    });
    if (fitted.kind === "too_large") {
      const error = {
        code: "context_length" as const,
        message: `the request needs at least ${fitted.minimumTokens} input tokens; ${deployment.id} leaves room for ${fitted.budgetTokens}`,
        deploymentId: deployment.id,
      };
      await store.finish(data.requestId, { status: "failed", error }, { ...hop, outcome: "error", error, durationMs: now() - startedAtMs });
      throw new UnrecoverableError(`context_length: ${error.message}`);
    }
    const truncation = fitted.kind === "truncated" ? { deploymentId: deployment.id, ...fitted.truncation } : undefined;
    const { request, applied } = applyAdjustments(fitted.request, data.classification, deployment.adjustments);

    const marked = await store.update(data.requestId, { status: "running", ...(truncation ? { truncation } : {}) });
    if (marked !== "applied") {
      // Already terminal (a stalled job re-run after its outcome was recorded) or expired: do not call again.
      log.info({ marked }, "skipping provider call for a finished or missing request");
      return { outcome: marked };
    }
    const note = [
      truncation ? `truncated: dropped ${truncation.droppedMessages} oldest messages` : undefined,
      applied.length > 0 ? `adjustments: ${applied.join(", ")}` : undefined,
    ]
      .filter(Boolean)
      .join("; ");
    const annotated = note ? { ...hop, note } : hop;
    try {
      const result = await adapter.chat({ deployment, request, ...(apiKey ? { apiKey } : {}), ...(signal ? { signal } : {}) });
      rememberRateLimit(result.rateLimit, log);
      const cost = costUsd(deployment, result.usage);
      await store.finish(
        data.requestId,
        { status: "succeeded", result, usage: result.usage, costUsd: cost, deploymentId: deployment.id },
        { ...annotated, outcome: "ok", durationMs: now() - startedAtMs },
      );
      log.info({ durationMs: now() - startedAtMs, usage: result.usage, costUsd: cost }, "provider call succeeded");
      return { outcome: "succeeded" };
    } catch (error) {
      if (ProviderError.is(error)) rememberRateLimit(error.data.rateLimit, log);
      const action = decideFailure(error, deployment.id);
      await store.finish(
        data.requestId,
        { status: "failed", error: action.error },
        { ...annotated, outcome: "error", error: action.error, durationMs: now() - startedAtMs },
      );
      log.warn({ error: action.providerError ?? action.error }, "provider call failed");
      throw toQueueError(action);
    }
  };
}
