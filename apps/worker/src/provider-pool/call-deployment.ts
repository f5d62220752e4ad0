import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { deploymentJobDataSchema, deploymentQueueName, ProviderError, type Hop, type RateLimitState } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { RateLimitStore } from "@switchyard/queue";
import type { AdapterRegistry } from "@switchyard/providers";
import { resolveApiKey } from "@switchyard/providers";
import { costUsd } from "@switchyard/routing";
import { applyAdjustments, fitContextWindow } from "@switchyard/transform";
import type { Logger } from "@switchyard/logging";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { cachePolicy } from "../cascade/cache-policy.js";
import { handleProviderFailure } from "../failure/provider-failure.js";

export interface CallDependencies extends CascadeDependencies {
  deployment: DeploymentConfig;
  adapters: AdapterRegistry;
  rateLimits: RateLimitStore;
  env?: Record<string, string | undefined>;
}

/**
 * Consumes a deployment job: asks the deployment's circuit, fits the request to the deployment (context window,
 * prompt adjustments), calls the provider, and records the outcome on the request, once. A success also teaches
 * the breaker and fills the response cache; a failure goes to `handleProviderFailure`, the one place that turns
 * it into the cascade's next step.
 */
export function callDeployment(dependencies: CallDependencies) {
  const { deployment, adapters, store, rateLimits, breakers, cache, config, logger, now } = dependencies;
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
      // The attempt on this deployment in this round (BullMQ's own attempts are always 1: retries are ours).
      attempt: data.cascade.attemptsOnDeployment + 1,
      startedAtMs,
    };

    const fail = async (error: unknown, probe: boolean) => {
      throw await handleProviderFailure(dependencies, { data, deployment, hop, error, probe, log });
    };

    // The record's state and the circuit's verdict in one round trip (both go out on the auto-pipelined connection).
    const [marked, admission] = await Promise.all([store.update(data.requestId, { status: "running" }), breakers.admit(deployment.id)]);
    if (marked !== "applied") {
      // Already terminal (a stalled job re-run after its outcome was recorded) or expired: do not call again.
      log.info({ marked }, "skipping provider call for a finished or missing request");
      return { outcome: marked };
    }
    if (!admission.allowed) return fail("circuit_open", false);
    if (admission.transition) log.warn({ transition: admission.transition }, `circuit ${admission.transition}: this call is the probe`);
    const probe = admission.probe;

    const fitted = fitContextWindow(data.request, {
      contextWindowTokens: deployment.contextWindowTokens,
      outputTokens: data.request.max_tokens ?? deployment.defaultMaxOutputTokens,
    });
    if (fitted.kind === "too_large") {
      const message = `the request needs at least ${fitted.minimumTokens} input tokens; ${deployment.id} leaves room for ${fitted.budgetTokens}`;
      return fail(new ProviderError({ kind: "context_length", message, provider: deployment.provider, deploymentId: deployment.id, retryable: false }), probe);
    }
    const truncation = fitted.kind === "truncated" ? { deploymentId: deployment.id, ...fitted.truncation } : undefined;
    const { request, applied } = applyAdjustments(fitted.request, data.classification, deployment.adjustments);
    if (truncation) await store.update(data.requestId, { truncation });
    const note = [
      truncation ? `truncated: dropped ${truncation.droppedMessages} oldest messages` : undefined,
      applied.length > 0 ? `adjustments: ${applied.join(", ")}` : undefined,
    ]
      .filter(Boolean)
      .join("; ");
    const annotated = note ? { ...hop, note } : hop;

    let result;
    try {
      result = await adapter.chat({ deployment, request, ...(apiKey ? { apiKey } : {}), ...(signal ? { signal } : {}) });
    } catch (error) {
      if (ProviderError.is(error)) rememberRateLimit(error.data.rateLimit, log);
      return fail(error, probe);
    }
    rememberRateLimit(result.rateLimit, log);
    const cost = costUsd(deployment, result.usage);
    const caching = cachePolicy(data.request, data.classification, config.resilience.cache);
    // Only complete answers are worth replaying: not a filtered, failed or cut-off one.
    const complete = result.finishReason === "stop" || result.finishReason === "tool_calls";
    const cacheable = complete && caching.mode !== "off" && (!caching.privateOnly || deployment.private);
    const [, transition] = await Promise.all([
      store.finish(
        data.requestId,
        { status: "succeeded", result, usage: result.usage, costUsd: cost, deploymentId: deployment.id },
        { ...annotated, outcome: "ok", durationMs: now() - startedAtMs },
      ),
      breakers.recordSuccess(deployment.id, probe).catch((error: unknown) => log.warn({ err: error }, "could not update the circuit breaker")),
      cacheable
        ? cache
            .put(data.request.tenant ?? "default", data.request, { result, deploymentId: deployment.id, privateDeployment: deployment.private })
            .catch((error: unknown) => log.warn({ err: error }, "could not store the response in the cache"))
        : undefined,
    ]);
    if (transition) log.info({ transition }, `circuit ${transition}`);
    log.info({ durationMs: now() - startedAtMs, usage: result.usage, costUsd: cost }, "provider call succeeded");
    return { outcome: "succeeded" };
  };
}
