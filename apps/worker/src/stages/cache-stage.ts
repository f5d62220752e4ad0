import type { Job } from "bullmq";
import { CACHE_STAGE_QUEUE, hopJobId, RETRY_STAGE_QUEUE, stageJobDataSchema, type Hop, type StageJobData } from "@switchyard/contracts";
import { decideRetryRound } from "@switchyard/routing";
import { parseJobData } from "../parse-job-data.js";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { cachePolicy } from "../cascade/cache-policy.js";

export type CacheStageOutcome = "served_from_cache" | "queued_for_retry" | "failed";

/**
 * The cascade's stage after every deployment of a round failed: an earlier answer to the same request from the
 * response cache (unless the request or its privacy rules it out), else the retry queue (the record says
 * `queued_for_retry` with the reason and the time of the next round), else the final failure with its history.
 */
export function cacheStage(dependencies: CascadeDependencies) {
  const { config, store, queues, cache, logger, now, random } = dependencies;
  return async (job: Job): Promise<CacheStageOutcome> => {
    const startedAtMs = now();
    const data = parseJobData(stageJobDataSchema, job, logger, "cache stage");
    const log = logger.child({ requestId: data.requestId, jobId: job.id });
    const hop: Omit<Hop, "outcome" | "durationMs" | "note"> = {
      n: data.hop,
      stage: "cache",
      queue: CACHE_STAGE_QUEUE,
      jobId: String(job.id),
      attempt: job.attemptsMade + 1,
      startedAtMs,
    };

    const caching = cachePolicy(data.request, data.classification, config.resilience.cache);
    if (caching.mode !== "off") {
      const cached = await cache.get(data.request.tenant ?? "default", data.request, { privateOnly: caching.privateOnly });
      if (cached) {
        await store.finish(
          data.requestId,
          { status: "succeeded", result: cached.result, usage: cached.result.usage, costUsd: 0, deploymentId: cached.deploymentId, servedFromCache: true },
          { ...hop, outcome: "ok", durationMs: now() - startedAtMs, note: `served from the response cache after ${data.lastError.code}` },
        );
        log.info({ deploymentId: cached.deploymentId }, "served from the response cache");
        return "served_from_cache";
      }
    }
    const cacheNote = caching.mode === "off" ? "cache not used" : "no cached answer";

    const decision = decideRetryRound({ lastError: data.lastError, cascade: data.cascade, retryQueue: config.resilience.retryQueue, nowMs: now(), random });
    if (decision.kind === "fail") {
      await store.finish(
        data.requestId,
        { status: "failed", error: decision.error },
        { ...hop, outcome: "error", error: decision.error, durationMs: now() - startedAtMs, note: cacheNote },
      );
      log.warn({ error: decision.error }, "request failed after its cascade");
      return "failed";
    }
    const next: StageJobData = { ...data, hop: data.hop + 1, cascade: { ...data.cascade, retryRounds: decision.round } };
    const reason = `${data.lastError.code}: ${data.lastError.message}`;
    await Promise.all([
      store.update(data.requestId, {
        status: "queued_for_retry",
        retry: { round: decision.round, reason, nextAttemptAtMs: decision.nextAttemptAtMs },
        hop: { ...hop, outcome: "ok", durationMs: now() - startedAtMs, note: `${cacheNote}; retry round ${decision.round} in ${decision.delayMs} ms` },
      }),
      queues.byName(RETRY_STAGE_QUEUE).add("retry", next, { jobId: hopJobId(data.requestId, next.hop), delay: decision.delayMs }),
    ]);
    log.info({ round: decision.round, delayMs: decision.delayMs }, "request queued for retry");
    return "queued_for_retry";
  };
}
