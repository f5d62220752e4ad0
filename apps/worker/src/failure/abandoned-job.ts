import type { Job, Worker } from "bullmq";
import { QUEUE_NAME_DELIMITER, type Hop, type RequestError } from "@switchyard/contracts";
import type { RequestStore } from "@switchyard/queue";
import type { Logger } from "@switchyard/logging";

const STAGE_BY_QUEUE_KIND: Record<string, Hop["stage"]> = { tier: "dispatch", deployment: "provider", stage: "cache" };

function stageOf(queueName: string): Hop["stage"] {
  if (queueName.endsWith(`${QUEUE_NAME_DELIMITER}retry`)) return "retry";
  return STAGE_BY_QUEUE_KIND[queueName.split(QUEUE_NAME_DELIMITER)[0] ?? ""] ?? "provider";
}

/**
 * BullMQ gives up on a job that stalled more than `maxStalledCount` times (its worker died while holding it each
 * time: a request that crashes workers, or unlucky rolling kills) and fails it without running the processor, so no
 * code of ours would ever finish the request. This listener does: the job carries BullMQ's `deferredFailure`, which
 * only BullMQ sets, so failures our processors decided (and already recorded) are left alone. The terminal
 * transition is exactly-once, so a race with a late outcome is harmless.
 */
export function failAbandonedJobs(worker: Worker, dependencies: { store: RequestStore; logger: Logger; now: () => number }): void {
  worker.on("failed", (job: Job | undefined) => {
    if (!job?.deferredFailure) return;
    const requestId: unknown = (job.data as { requestId?: unknown } | undefined)?.requestId;
    if (typeof requestId !== "string") return;
    const error: RequestError = {
      code: "stalled",
      message: `job ${job.id} in ${job.queueName} was abandoned: ${job.deferredFailure} (its worker died while holding it, again and again)`,
    };
    const nowMs = dependencies.now();
    const hop: Hop = {
      n: typeof (job.data as { hop?: unknown }).hop === "number" ? (job.data as { hop: number }).hop : 1,
      stage: stageOf(job.queueName),
      queue: job.queueName,
      jobId: String(job.id),
      attempt: job.attemptsStarted,
      outcome: "error",
      startedAtMs: job.processedOn ?? nowMs,
      durationMs: Math.max(0, nowMs - (job.processedOn ?? nowMs)),
      error,
    };
    dependencies.store
      .finish(requestId, { status: "failed", error }, hop)
      .then((transition) => dependencies.logger.error({ requestId, jobId: job.id, queue: job.queueName, transition }, "job abandoned after repeated stalls; request failed"))
      .catch((cause: unknown) => dependencies.logger.error({ err: cause, requestId, jobId: job.id }, "could not fail the request of an abandoned job"));
  });
}
