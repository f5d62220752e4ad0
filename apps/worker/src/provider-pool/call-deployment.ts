import type { Job } from "bullmq";
import { DelayedError } from "bullmq";
import {
  deploymentJobDataSchema,
  deploymentQueueName,
  isTerminalStatus,
  ProviderError,
  type ChatResult,
  type DeploymentJobData,
  type Hop,
} from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { RequestStreams } from "@switchyard/queue";
import type { AdapterRegistry } from "@switchyard/providers";
import { resolveApiKey } from "@switchyard/providers";
import { costUsd } from "@switchyard/routing";
import { applyAdjustments, fitContextWindow } from "@switchyard/transform";
import { parseJobData } from "../parse-job-data.js";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { cachePolicy } from "../cascade/cache-policy.js";
import { handleProviderFailure } from "../failure/provider-failure.js";
import type { CallCancellation, RunningCalls } from "../cancellation/running-calls.js";
import { failMidStream } from "./fail-mid-stream.js";
import { streamCall } from "./stream-call.js";

/** How soon a deployment whose in-flight cap is full is asked again. */
const CONCURRENCY_RECHECK_MS = 25;
/** How long a 429 without retry-after pauses the deployment. */
const DEFAULT_PAUSE_MS = 1_000;

/**
 * Whether the job became active so recently that its lock cannot have expired: extending it then would cost a Redis
 * command per call for nothing. BullMQ 6.7 (moveToActive, and moveToFinished fetching the next job) stamps
 * `processedOn` with this worker's clock, read just before it sends the script, and the same script sets the lock for
 * `lockDuration` (= `leaseMs`): the lock lasts at least until processedOn + leaseMs. Half of that leaves room for a
 * clock step; a stamp in the future (the clock stepped back) proves nothing. A job fetched in the background is
 * stamped when it was fetched, so one held for half its lock or more is extended as before.
 */
function justActivated(job: Job, leaseMs: number, nowMs: number): boolean {
  if (job.processedOn === undefined) return false;
  const activeForMs = nowMs - job.processedOn;
  return activeForMs >= 0 && activeForMs < leaseMs / 2;
}

export interface CallDependencies extends CascadeDependencies {
  deployment: DeploymentConfig;
  adapters: AdapterRegistry;
  /**
   * How long an in-flight slot outlives its last heartbeat (the job lock's duration): a crashed worker's slots come
   * back about when its jobs do. A running call renews it every third of that.
   */
  leaseMs: number;
  /**
   * `fleet`: the deployment limiter guards every call; `bullmq`: it is bypassed (the benchmark's naive baseline), but
   * still records what providers' headers say, for `GET /v1/deployments`.
   */
  rateLimiting: "fleet" | "bullmq";
  /** Where streamed requests' answers are written as they arrive. */
  streams: RequestStreams;
  /** This process's calls in flight, for the cancel listener to abort. */
  runningCalls: RunningCalls;
  env?: Record<string, string | undefined>;
}

/**
 * Consumes a deployment job: asks the deployment's circuit, fits the request to the deployment (context window,
 * prompt adjustments), calls the provider, and records the outcome on the request, once. A success also teaches
 * the breaker and fills the response cache; a failure goes to `handleProviderFailure`, the one place that turns
 * it into the cascade's next step.
 *
 * A request with `stream` is called with the adapter's `stream`, its events written to the request's Redis stream
 * as they arrive (see stream-call.ts); it ends like any other call, with the assembled result on the record. A
 * call whose request is cancelled meanwhile is aborted and ends without a next step: the record is terminal.
 */
export function callDeployment(dependencies: CallDependencies) {
  const { deployment, adapters, store, breakers, limiter, stats, cache, config, logger, now } = dependencies;
  const fleetLimits = dependencies.rateLimiting === "fleet";
  const tracksLatency = Object.values(config.pools).some((pool) => pool.strategy === "latency" && pool.deployments.includes(deployment.id));
  const adapter = adapters.forFormat(deployment.format);
  const apiKey = resolveApiKey(deployment, dependencies.env ?? process.env);
  const queue = deploymentQueueName(deployment.id);

  return async (job: Job, token?: string, signal?: AbortSignal): Promise<{ outcome: string }> => {
    const data = parseJobData(deploymentJobDataSchema, job, logger, "deployment");
    // Registered before the status read: see RunningCalls for why that order leaves no gap for a cancel.
    const cancellation = dependencies.runningCalls.begin(data.requestId, signal);
    try {
      return await callOnce(job, token, data, cancellation);
    } finally {
      cancellation.end();
    }
  };

  async function callOnce(job: Job, token: string | undefined, data: DeploymentJobData, cancellation: CallCancellation): Promise<{ outcome: string }> {
    const startedAtMs = now();
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

    const outputTokens = data.request.max_tokens ?? deployment.defaultMaxOutputTokens;
    // Reserved against the deployment's TPM: the (fitted) input estimate plus the whole output budget, which is what
    // OpenAI-style providers charge at admission. Reconciled to the real input after the call.
    const reservedInputTokens = Math.max(0, Math.min(data.classification.estimatedInputTokens, deployment.contextWindowTokens - outputTokens));
    const leaseMs = dependencies.leaseMs;
    const streaming = data.request.stream === true;

    // The record's status, the circuit's verdict, the rate budget and our hold on the job in one round trip (sent back to back).
    const [status, admission, grant, lockHeld, streamedEntries] = await Promise.all([
      store.status(data.requestId),
      breakers.admit(deployment.id),
      fleetLimits
        ? limiter.acquire(deployment.id, deployment.limits, reservedInputTokens + outputTokens, leaseMs)
        : ({ granted: true, leaseId: "" } as const),
      // BullMQ renews a job's lock only once the job is being processed. A worker waiting out a rate limit can still
      // fetch a job in the background and hold it unprocessed past its lock; meanwhile the stalled check hands the job
      // to another worker, and both would call the provider (seen in test/e2e/rate-limits.test.ts: two calls for one
      // hop, then "Lock mismatch" from moveToFinished). Only the lock's holder may call.
      token === undefined || justActivated(job, leaseMs, now()) ? 1 : job.extendLock(token, leaseMs),
      // A streamed request's stream already holds entries only if an earlier run of this call began answering and its
      // worker was lost (a failure after the first entry ends the request): that answer cannot be continued.
      streaming ? dependencies.streams.length(data.requestId) : 0,
    ]);
    const giveBack = () => (grant.granted && fleetLimits ? limiter.release(deployment.id, grant.leaseId, 0).catch(() => undefined) : undefined);
    if (lockHeld !== 1) {
      await giveBack();
      log.warn("the job's lock was lost before the call (another worker has the job, or will): not calling");
      return { outcome: "lock_lost" };
    }
    if (status === undefined || isTerminalStatus(status) || cancellation.cancelled) {
      // Already terminal (a stalled job re-run after its outcome was recorded, or a cancelled request) or expired: do
      // not call again.
      await giveBack();
      log.info({ status: status ?? "missing" }, "skipping provider call for a finished or missing request");
      return { outcome: cancellation.cancelled ? "cancelled" : (status ?? "missing") };
    }
    if (streamedEntries > 0) {
      await giveBack();
      const error = { code: "stream_interrupted" as const, message: "the worker streaming this answer was lost after part of it was sent", deploymentId: deployment.id };
      const writer = dependencies.streams.writer(data.requestId);
      if ((await store.finish(data.requestId, { status: "failed", error }, { ...hop, outcome: "error", error, durationMs: now() - startedAtMs })) === "applied") {
        writer.append({ kind: "error", hop: data.hop, error });
      }
      await writer.flush().catch((cause: unknown) => log.warn({ err: cause }, "could not end the request's stream"));
      log.warn("a streamed call was re-run after its stream began: failing the request");
      return { outcome: "stream_interrupted" };
    }
    if (!admission.allowed) {
      await giveBack();
      return fail("circuit_open", false);
    }
    if (admission.transition) log.warn({ transition: admission.transition }, `circuit ${admission.transition}: this call is the probe`);
    const probe = admission.probe;
    if (!grant.granted) {
      if (grant.exceedsWholeBudget || now() + grant.waitMs >= data.cascade.deadlineAtMs) return fail("no_capacity", probe);
      // No budget now: this job (not the queue, not the worker) waits as a delayed job until the budget is back,
      // without spending an attempt; jobs behind it, and other deployments, go on. A full in-flight cap frees as soon
      // as any call ends, which no one announces: look again shortly.
      const delayMs = grant.limitedBy === "concurrency" ? Math.min(grant.waitMs, CONCURRENCY_RECHECK_MS) : grant.waitMs;
      log.debug({ delayMs, limitedBy: grant.limitedBy }, "deployment has no budget; the job waits");
      await job.moveToDelayed(now() + Math.max(1, delayMs), token);
      throw new DelayedError();
    }
    const leaseId = grant.leaseId;

    const fitted = fitContextWindow(data.request, { contextWindowTokens: deployment.contextWindowTokens, outputTokens });
    if (fitted.kind === "too_large") {
      await giveBack();
      const message = `the request needs at least ${fitted.minimumTokens} input tokens; ${deployment.id} leaves room for ${fitted.budgetTokens}`;
      return fail(new ProviderError({ kind: "context_length", message, provider: deployment.provider, deploymentId: deployment.id, retryable: false }), probe);
    }
    const truncation = fitted.kind === "truncated" ? { deploymentId: deployment.id, ...fitted.truncation } : undefined;
    const { request, applied } = applyAdjustments(fitted.request, data.classification, deployment.adjustments);
    // Not awaited: it goes out ahead of everything else this job writes on the same connection.
    store.update(data.requestId, { status: "running", ...(truncation ? { truncation } : {}) }).catch((error: unknown) => log.warn({ err: error }, "could not mark the request running"));
    const note = [
      truncation ? `truncated: dropped ${truncation.droppedMessages} oldest messages` : undefined,
      applied.length > 0 ? `adjustments: ${applied.join(", ")}` : undefined,
    ]
      .filter(Boolean)
      .join("; ");
    const annotated = note ? { ...hop, note } : hop;

    const callStartedAtMs = now();
    const heartbeat = setInterval(() => {
      if (fleetLimits) limiter.extend(deployment.id, leaseId, leaseMs).catch(() => undefined);
    }, leaseMs / 3);
    heartbeat.unref();
    const options = { deployment, request, ...(apiKey ? { apiKey } : {}), signal: cancellation.signal };
    const writer = streaming ? dependencies.streams.writer(data.requestId) : undefined;
    let result: ChatResult;
    // The stream began before the call failed: no fallback may follow (see fail-mid-stream.ts).
    let began = false;
    try {
      if (writer) {
        const streamed = await streamCall(adapter, options, writer, { hop: data.hop, deploymentId: deployment.id });
        if (streamed.kind === "failed") {
          began = streamed.began;
          throw streamed.error;
        }
        result = streamed.result;
      } else {
        result = await adapter.chat(options);
      }
    } catch (error) {
      clearInterval(heartbeat);
      const providerError = ProviderError.is(error) ? error.data : undefined;
      const observed = providerError?.rateLimit;
      await Promise.all([
        // The provider may have charged the reservation: keep it (no actual tokens).
        fleetLimits || observed ? limiter.settle(deployment.id, { leaseId: fleetLimits ? leaseId : undefined, observed, sentAtMs: callStartedAtMs }) : undefined,
        // A 429 pauses this deployment only, for as long as the provider asked.
        fleetLimits && providerError?.kind === "rate_limited" ? limiter.pause(deployment.id, now() + (providerError.retryAfterMs ?? DEFAULT_PAUSE_MS)) : undefined,
      ]).catch((cause: unknown) => log.warn({ err: cause }, "could not update the rate limiter"));
      if (cancellation.cancelled) {
        // The record is already `cancelled`: no breaker lesson (the provider did nothing wrong), no next step.
        if (writer && began) writer.append({ kind: "error", hop: data.hop, error: { code: "cancelled", message: "the request was cancelled", deploymentId: deployment.id } });
        await writer?.flush().catch(() => undefined);
        log.info({ durationMs: now() - startedAtMs }, "provider call aborted: the request was cancelled");
        return { outcome: "cancelled" };
      }
      if (writer && began) {
        throw await failMidStream(dependencies, { requestId: data.requestId, deployment, hop: annotated, error, probe, writer, log });
      }
      return fail(error, probe);
    }
    clearInterval(heartbeat);
    const callMs = now() - callStartedAtMs;
    const cost = costUsd(deployment, result.usage);
    const caching = cachePolicy(data.request, data.classification, config.resilience.cache);
    // Only complete answers are worth replaying: not a filtered, failed or cut-off one.
    const complete = result.finishReason === "stop" || result.finishReason === "tool_calls";
    const cacheable = complete && caching.mode !== "off" && (!caching.privateOnly || deployment.private);
    const [finished, transition] = await Promise.all([
      store.finish(
        data.requestId,
        { status: "succeeded", result, usage: result.usage, costUsd: cost, deploymentId: deployment.id },
        { ...annotated, outcome: "ok", durationMs: now() - startedAtMs },
      ),
      breakers.recordSuccess(deployment.id, probe).catch((error: unknown) => log.warn({ err: error }, "could not update the circuit breaker")),
      Promise.all([
        fleetLimits || result.rateLimit
          ? limiter.settle(deployment.id, {
              leaseId: fleetLimits ? leaseId : undefined,
              actualTokens: result.usage.inputTokens + outputTokens,
              observed: result.rateLimit,
              // Ordered by when the call was sent: a slow answer to an earlier call carries an older, higher
              // "remaining" than answers that arrived before it, and must not overwrite them.
              sentAtMs: callStartedAtMs,
            })
          : undefined,
        tracksLatency ? stats.recordLatency(deployment.id, callMs) : undefined,
      ]).catch((error: unknown) => log.warn({ err: error }, "could not update the rate limiter")),
      cacheable
        ? cache
            .put(data.request.tenant ?? "default", data.request, { result, deploymentId: deployment.id, privateDeployment: deployment.private })
            .catch((error: unknown) => log.warn({ err: error }, "could not store the response in the cache"))
        : undefined,
    ]);
    if (transition) log.info({ transition }, `circuit ${transition}`);
    if (writer) {
      // After the record: a reader that sees `done` may read the record and find it succeeded. A record someone else
      // ended first (a cancel) gets no `done`; the reader goes by the record then.
      if (finished === "applied") {
        writer.append({ kind: "done", hop: data.hop, deploymentId: deployment.id, finishReason: result.finishReason, usage: result.usage, costUsd: cost });
      }
      await writer.flush().catch((error: unknown) => log.warn({ err: error }, "could not write the request's stream"));
    }
    log.info({ durationMs: now() - startedAtMs, usage: result.usage, costUsd: cost }, "provider call succeeded");
    return { outcome: "succeeded" };
  }
}
