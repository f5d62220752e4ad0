import { Redis } from "ioredis";
import { Pool } from "undici";
import { BALANCING_POOL, POOL_MEMBERS, type BalancingStrategyName } from "./balancing-config.js";
import { CompletionWatcher } from "./completion-watcher.js";
import { percentile } from "./stats.js";
import { readRecord, submit, SWITCHYARD_BODY, type RecordView, type SwitchyardTarget } from "./switchyard-client.js";

export interface BalancingOptions {
  requests: number;
  /** Per strategy, before the measured requests: connections opened, latency averages seeded. */
  warmupRequests: number;
  /** Clients, each sending its next request when the last one completed. */
  clientConcurrency: number;
}

export interface StrategyResult {
  strategy: BalancingStrategyName;
  requests: number;
  /** Share of the measured requests each member served, by deployment id. */
  shares: Record<string, number>;
  meanLatencyMs: number;
  p99LatencyMs: number;
  meanCostUsd: number;
  /** Requests whose dispatch hop names this pool's strategy as the chooser (the rest kept the router's first choice). */
  chosenByPool: number;
  /** Failed, or served by something outside the pool. */
  unexpected: number;
}

interface Sample {
  latencyMs: number;
  id: string;
}

function choseByPool(record: RecordView, strategy: BalancingStrategyName): boolean {
  const dispatch = record.hops.find((hop) => hop.stage === "dispatch");
  return dispatch?.note?.includes(`pool ${JSON.stringify(BALANCING_POOL)} (${strategy}): `) === true && !dispatch.note.includes("no member available");
}

/**
 * Submit-to-completion latency of `requests` requests with no `model` (so the router ranks, and the pool's
 * strategy picks the member), `clientConcurrency` at a time, against workers running `strategy`. Which member
 * served each request, and why, is read from the records afterwards, outside the timed span.
 */
export async function switchyardBalancing(
  target: SwitchyardTarget,
  strategy: BalancingStrategyName,
  options: BalancingOptions,
): Promise<StrategyResult> {
  const subscriber = new Redis(target.redisUrl);
  const watcher = new CompletionWatcher(subscriber);
  await watcher.start(`${target.prefix}:events:request`);
  const pool = new Pool(target.apiUrl, { connections: options.clientConcurrency });
  const run = async (count: number): Promise<Sample[]> => {
    const samples: Sample[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: options.clientConcurrency }, async () => {
        while (next < count) {
          next += 1;
          const t0 = performance.now();
          const id = await submit(pool, target.adminKey, SWITCHYARD_BODY);
          const doneAtMs = await watcher.waitFor(id);
          samples.push({ id, latencyMs: doneAtMs - t0 });
        }
      }),
    );
    return samples;
  };

  try {
    await run(options.warmupRequests);
    const samples = await run(options.requests);
    const records: RecordView[] = [];
    for (const sample of samples) records.push(await readRecord(pool, target.adminKey, sample.id));
    const members = new Set(POOL_MEMBERS.map((member) => member.id));
    const served = records.filter((record) => record.status === "succeeded" && members.has(record.deployment_id ?? ""));
    const shares = Object.fromEntries(
      POOL_MEMBERS.map((member) => [member.id, served.filter((record) => record.deployment_id === member.id).length / samples.length]),
    );
    const latenciesMs = samples.map((sample) => sample.latencyMs);
    return {
      strategy,
      requests: samples.length,
      shares,
      meanLatencyMs: latenciesMs.reduce((sum, value) => sum + value, 0) / latenciesMs.length,
      p99LatencyMs: percentile(latenciesMs, 99),
      meanCostUsd: served.reduce((sum, record) => sum + (record.cost_usd ?? 0), 0) / Math.max(1, served.length),
      chosenByPool: records.filter((record) => choseByPool(record, strategy)).length,
      unexpected: samples.length - served.length,
    };
  } finally {
    await pool.close();
    subscriber.disconnect();
  }
}
