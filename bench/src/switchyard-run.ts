import { Redis } from "ioredis";
import { Pool } from "undici";
import { CompletionWatcher } from "./completion-watcher.js";
import { percentile } from "./stats.js";
import { submit, type SwitchyardTarget } from "./switchyard-client.js";

/** Async throughput: submit `requests` with `concurrency` clients, measured until the last one completes. */
export async function switchyardThroughput(target: SwitchyardTarget, requests: number, concurrency: number) {
  const subscriber = new Redis(target.redisUrl);
  const watcher = new CompletionWatcher(subscriber);
  await watcher.start(`${target.prefix}:events:request`);
  const pool = new Pool(target.apiUrl, { connections: concurrency });
  let next = 0;
  const startedAtMs = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        await submit(pool, target.adminKey);
      }
    }),
  );
  const submittedAtMs = performance.now();
  const deadline = Date.now() + 120_000;
  while (watcher.completed + watcher.failed < requests && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await pool.close();
  subscriber.disconnect();
  return {
    requestsPerSecond: (watcher.completed + watcher.failed) / ((watcher.lastAtMs - startedAtMs) / 1000),
    acceptedPerSecond: requests / ((submittedAtMs - startedAtMs) / 1000),
    completed: watcher.completed,
    failed: watcher.failed,
  };
}

/** Submit-to-completion latency, one request at a time. */
export async function switchyardLatency(target: SwitchyardTarget, requests: number) {
  const subscriber = new Redis(target.redisUrl);
  const watcher = new CompletionWatcher(subscriber);
  await watcher.start(`${target.prefix}:events:request`);
  const pool = new Pool(target.apiUrl, { connections: 1 });
  const latenciesMs: number[] = [];
  for (let index = 0; index < requests; index++) {
    const t0 = performance.now();
    const id = await submit(pool, target.adminKey);
    const doneAtMs = await watcher.waitFor(id);
    latenciesMs.push(doneAtMs - t0);
  }
  await pool.close();
  subscriber.disconnect();
  return { p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99) };
}
