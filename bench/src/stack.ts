import { randomBytes } from "node:crypto";
import { freePort } from "@switchyard/embedded-redis";
import { startApp, type BenchProcess } from "./processes.js";
import type { SwitchyardTarget } from "./switchyard-client.js";

export interface StackOptions {
  /** Worker processes (each runs the dispatcher and every provider pool). */
  workers: number;
  /** For the API and the workers alike (SWITCHYARD_CONFIG, PROVIDER_SIM_URL, ...). */
  env: Record<string, string>;
  /** For the workers only (SWITCHYARD_RATE_LIMITER, ...). */
  workerEnv?: Record<string, string>;
}

export interface Stack {
  target: SwitchyardTarget;
  /** What the API and the workers were started with: the prefix, the admin key and `options.env`. */
  env: Record<string, string>;
  api: BenchProcess;
  workers: BenchProcess[];
}

/**
 * The API and `options.workers` workers on a fresh prefix of the shared Redis, so no scenario sees another's
 * queues, records or limiter keys. Every process is also added to `started`, which the harness stops at the end.
 */
export async function startStack(redisUrl: string, options: StackOptions, started: BenchProcess[]): Promise<Stack> {
  const prefix = `{bench${randomBytes(3).toString("hex")}}`;
  const adminKey = `sy_bench_${randomBytes(12).toString("hex")}`;
  const apiPort = await freePort();
  const env = { REDIS_URL: redisUrl, SWITCHYARD_REDIS_PREFIX: prefix, SWITCHYARD_ADMIN_KEY: adminKey, ...options.env };
  const workers = await startWorkers({ ...env, ...options.workerEnv }, options.workers, started);
  const api = await startApp("api", { ...env, PORT: String(apiPort) }, /API listening/);
  started.push(api);
  return { target: { apiUrl: `http://127.0.0.1:${apiPort}`, adminKey, redisUrl, prefix }, env, api, workers };
}

/** `count` worker processes with `env`, each added to `started`. */
export async function startWorkers(env: Record<string, string>, count: number, started: BenchProcess[]): Promise<BenchProcess[]> {
  const workers: BenchProcess[] = [];
  for (let index = 0; index < count; index++) {
    const worker = await startApp("worker", env, /worker started/);
    workers.push(worker);
    started.push(worker);
  }
  return workers;
}

export async function stopStack(stack: Stack): Promise<void> {
  await Promise.all([stack.api, ...stack.workers].map((process) => process.stop()));
}
