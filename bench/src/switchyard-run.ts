import { Redis } from "ioredis";
import { Pool } from "undici";
import { percentile } from "./stats.js";

const BODY = JSON.stringify({
  messages: [{ role: "user", content: "What is the capital of France?" }],
  max_tokens: 64,
});

/**
 * Counts terminal transitions from Switchyard's event channel, so completion is observed the moment the
 * worker records it, without polling.
 */
class CompletionWatcher {
  private readonly waiters = new Map<string, (atMs: number) => void>();
  private readonly early = new Map<string, number>();
  completed = 0;
  failed = 0;
  lastAtMs = 0;

  constructor(private readonly subscriber: Redis) {}

  async start(channel: string): Promise<void> {
    this.subscriber.on("message", (_channel: string, message: string) => {
      const atMs = performance.now();
      const [id, status] = message.split(" ");
      if (status === "succeeded") this.completed += 1;
      else this.failed += 1;
      this.lastAtMs = atMs;
      const waiter = this.waiters.get(id ?? "");
      if (waiter) {
        this.waiters.delete(id ?? "");
        waiter(atMs);
      } else if (id) {
        this.early.set(id, atMs);
      }
    });
    await this.subscriber.subscribe(channel);
  }

  waitFor(id: string): Promise<number> {
    const early = this.early.get(id);
    if (early !== undefined) {
      this.early.delete(id);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }
}

export interface SwitchyardTarget {
  apiUrl: string;
  adminKey: string;
  redisUrl: string;
  prefix: string;
}

async function submit(pool: Pool, key: string): Promise<string> {
  const response = await pool.request({
    path: "/v1/requests",
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: BODY,
  });
  const text = await response.body.text();
  if (response.statusCode !== 202) throw new Error(`API answered ${response.statusCode}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

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
