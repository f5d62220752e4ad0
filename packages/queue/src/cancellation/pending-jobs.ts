import { CACHE_STAGE_QUEUE, deploymentQueueName, hopJobId, RETRY_STAGE_QUEUE, tierQueueName, type RequestRecord } from "@switchyard/contracts";

/** A job that may be waiting on a request's behalf: its queue and its id. */
export interface PendingJob {
  queue: string;
  jobId: string;
}

/**
 * The jobs a request may have waiting, from its record once it is terminal (no hop is appended after that). Job
 * ids are derived (the tier job's id is the request id, every later job's is `<id>-h<n>`), so the next job is hop
 * `last + 1`: in the tier queue before dispatch, else in a deployment queue or a stage. `last + 2` too, because a
 * step may enqueue its next job and then find the record terminal when it records its own hop. Which deployment's
 * queue is not certain (a fallback's update may have been refused), so every deployment's is named; looking for a
 * job that is not there costs one EXISTS.
 */
export function pendingJobs(record: Pick<RequestRecord, "id" | "tier" | "hops">, deploymentIds: readonly string[]): PendingJob[] {
  const lastHop = record.hops.reduce((highest, hop) => Math.max(highest, hop.n), 0);
  // Only before dispatch: afterwards the tier job is history (a completed job Bull Board shows), not pending work.
  const jobs: PendingJob[] = lastHop === 0 ? [{ queue: tierQueueName(record.tier), jobId: record.id }] : [];
  const queues = [...deploymentIds.map(deploymentQueueName), CACHE_STAGE_QUEUE, RETRY_STAGE_QUEUE];
  for (const n of [lastHop + 1, lastHop + 2]) {
    if (n === 1) continue; // hop 1 is the dispatch job, whose id is the request id
    for (const queue of queues) jobs.push({ queue, jobId: hopJobId(record.id, n) });
  }
  return jobs;
}
