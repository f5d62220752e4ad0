import type { Redis } from "ioredis";
import type { RequestRecord, RequestStatus } from "@switchyard/contracts";
import { keyNames, type KeyNames } from "../key-names.js";
import type { QueueRegistry } from "../queue-registry.js";
import type { RequestStore } from "../request-store.js";
import { publishCancelNotice } from "./cancel-notices.js";
import { pendingJobs, type PendingJob } from "./pending-jobs.js";

export type CancelResult =
  /** The record is now `cancelled`; `removedJobs` are the waiting or delayed jobs taken out of their queues. */
  | { outcome: "cancelled"; record: RequestRecord; removedJobs: PendingJob[] }
  /** It was terminal already (or became so first): nothing changed. */
  | { outcome: "already_terminal"; status: RequestStatus }
  | { outcome: "missing" };

export interface RequestCancellerDependencies {
  redis: Redis;
  store: RequestStore;
  queues: QueueRegistry;
  prefix: string;
  /** Every deployment's id: a waiting job may sit in any deployment's queue. */
  deploymentIds: readonly string[];
}

/**
 * Cancels a request: the terminal transition first (the same exactly-once script as every outcome, so the outbox
 * and the events channel hear of it, and every later step of the cascade finds the record terminal and stops), then
 * a notice on the cancel channel that aborts a provider call in flight, and the removal of the jobs that wait on
 * its behalf. A job already running cannot be removed (BullMQ refuses a locked job): its call is aborted by the
 * notice, and a step that was between jobs enqueues one more, which ends without a call when it sees the record.
 */
export class RequestCanceller {
  private readonly keys: KeyNames;

  constructor(private readonly dependencies: RequestCancellerDependencies) {
    this.keys = keyNames(dependencies.prefix);
  }

  async cancel(id: string, reason: string): Promise<CancelResult> {
    const { redis, store } = this.dependencies;
    const transition = await store.finish(id, { status: "cancelled", reason });
    if (transition === "missing") return { outcome: "missing" };
    if (transition === "already_terminal") {
      const status = await store.status(id);
      return status === undefined ? { outcome: "missing" } : { outcome: "already_terminal", status };
    }
    const [, record] = await Promise.all([publishCancelNotice(redis, this.keys.cancelNotices(), id), store.get(id)]);
    if (!record) return { outcome: "missing" };
    const removedJobs = await this.removeWaitingJobs(pendingJobs(record, this.dependencies.deploymentIds));
    return { outcome: "cancelled", record, removedJobs };
  }

  /** Looks for every candidate in one round trip, then removes the ones that exist (a running one stays: 0). */
  private async removeWaitingJobs(candidates: PendingJob[]): Promise<PendingJob[]> {
    const { redis, queues } = this.dependencies;
    const present = await Promise.all(candidates.map((job) => redis.exists(queues.byName(job.queue).toKey(job.jobId))));
    const existing = candidates.filter((_, index) => present[index] === 1);
    const codes = await Promise.all(existing.map((job) => queues.byName(job.queue).remove(job.jobId).catch(() => 0)));
    return existing.filter((_, index) => codes[index] === 1);
  }
}
