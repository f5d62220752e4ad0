import type { RequestRecord } from "@switchyard/contracts";
import { createRedis, keyNames, RequestStore } from "@switchyard/queue";
import type { TerminalEventCounter } from "./terminal-events.js";

/** What every chaos scenario reports. */
export interface ChaosCounts {
  accepted: number;
  succeeded: number;
  failed: number;
  /** Failed requests by their error code. */
  failedByReason: Record<string, number>;
  /** Accepted but not terminal when the drain period ended (or the record is gone). */
  lost: number;
  /** Terminal transitions beyond the first for one request (from the events channel). */
  duplicated: number;
  /** Terminal records whose transition was not seen on the channel (only possible while Redis was away). */
  terminalWithoutEvent: number;
}

export interface Audit {
  counts: ChaosCounts;
  /** Every accepted request's record, as it was at the end of the drain. */
  records: Map<string, RequestRecord>;
  lostIds: string[];
}

const TERMINAL = new Set(["succeeded", "failed"]);

/**
 * Waits until every accepted request is terminal (or `drainTimeoutMs` passed), then reads every record and
 * counts outcomes. Reads Redis directly with a waiting connection, so it also works across a Redis restart.
 */
export async function auditRequests(options: {
  redisUrl: string;
  prefix: string;
  ids: readonly string[];
  events: TerminalEventCounter;
  drainTimeoutMs: number;
}): Promise<Audit> {
  const redis = createRedis(options.redisUrl, "worker", "switchyard-chaos-audit");
  redis.on("error", () => {});
  try {
    const keys = keyNames(options.prefix);
    const deadline = Date.now() + options.drainTimeoutMs;
    let pending = [...options.ids];
    while (pending.length > 0) {
      const statuses = await Promise.all(pending.map((id) => redis.hget(keys.request(id), "status")));
      pending = pending.filter((_id, index) => !TERMINAL.has(statuses[index] ?? ""));
      if (pending.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const store = new RequestStore(redis, options.prefix, 3_600);
    const records = new Map<string, RequestRecord>();
    const lostIds: string[] = [];
    const failedByReason: Record<string, number> = {};
    let succeeded = 0;
    let failed = 0;
    let terminalWithoutEvent = 0;
    const read = await Promise.all(options.ids.map((id) => store.get(id)));
    options.ids.forEach((id, index) => {
      const record = read[index];
      if (record) records.set(id, record);
      if (!record || !TERMINAL.has(record.status)) {
        lostIds.push(id);
        return;
      }
      if (!options.events.counts.has(id)) terminalWithoutEvent++;
      if (record.status === "succeeded") succeeded++;
      else {
        failed++;
        const reason = record.error?.code ?? "unknown";
        failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
      }
    });
    return {
      counts: {
        accepted: options.ids.length,
        succeeded,
        failed,
        failedByReason,
        lost: lostIds.length,
        duplicated: options.events.duplicates(),
        terminalWithoutEvent,
      },
      records,
      lostIds,
    };
  } finally {
    redis.disconnect();
  }
}

/** A few lost requests, with their status and hops, for the failure message. */
export function describeLost(audit: Audit, limit = 5): string {
  return audit.lostIds
    .slice(0, limit)
    .map((id) => {
      const record = audit.records.get(id);
      if (!record) return `${id}: no record`;
      const hops = record.hops.map((hop) => `${hop.n}:${hop.stage}:${hop.deploymentId ?? "-"}:${hop.outcome}${hop.error ? `(${hop.error.code})` : ""}`);
      return `${id}: ${record.status} [${hops.join(" ")}]`;
    })
    .join("\n");
}

/** One line per scenario, so a run's numbers can be compared across runs. */
export function printCounts(scenario: string, counts: Record<string, unknown>): void {
  console.log(`[chaos] ${scenario}: ${JSON.stringify(counts)}`);
}
