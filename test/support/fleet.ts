import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@switchyard/embedded-redis";
import { ApiClient } from "./api-client.js";
import { startApp, type RunningProcess } from "./processes.js";
import { SimControl } from "./sim-control.js";

export interface FleetOptions {
  redisUrl: string;
  /** Worker processes to start (each runs the dispatcher and every provider pool). */
  workers: number;
  /** A Switchyard YAML config; `${PROVIDER_SIM_URL}` in it points at this fleet's simulator. */
  config?: string;
  /** The simulator's start config (`SIM_CONFIG`). */
  simConfig?: Record<string, unknown>;
  /** Extra environment for every process. */
  env?: Record<string, string>;
}

export interface Fleet {
  api: ApiClient;
  apiUrl: string;
  sim: SimControl;
  prefix: string;
  /** Worker processes currently running, oldest first. */
  readonly workers: readonly RunningProcess[];
  /** Every worker started so far, killed ones included (for their output). */
  readonly allWorkers: readonly RunningProcess[];
  processes: { sim: RunningProcess; api: RunningProcess };
  /** SIGKILLs a running worker (the oldest by default) and resolves once it is gone. */
  killWorker(index?: number): Promise<RunningProcess>;
  /** Starts one more worker process and resolves once it is consuming. */
  startWorker(): Promise<RunningProcess>;
  stop(): Promise<void>;
}

/**
 * A whole Switchyard as real processes, with several workers: provider simulator, N workers and one API on a
 * Redis the caller owns, under a fresh key prefix. Workers can be SIGKILLed and replaced while load runs.
 * Job locks default to 3 s (stalled checks every 1.5 s), so a killed worker's jobs come back within seconds.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const adminKey = `sy_chaos_${randomBytes(12).toString("hex")}`;
  const prefix = `{c${randomBytes(4).toString("hex")}}`;
  const [simPort, apiPort] = [await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  const dir = mkdtempSync(join(tmpdir(), "switchyard-chaos-"));
  const configEnv: Record<string, string> = {};
  if (options.config !== undefined) {
    writeFileSync(join(dir, "switchyard.yaml"), options.config);
    configEnv.SWITCHYARD_CONFIG = join(dir, "switchyard.yaml");
  }
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl,
    SWITCHYARD_REDIS_PREFIX: prefix,
    PROVIDER_SIM_URL: simUrl,
    SWITCHYARD_ADMIN_KEY: adminKey,
    // Thousands of expected failures would otherwise be logged; errors still show.
    LOG_LEVEL: "error",
    SWITCHYARD_LOCK_DURATION_MS: "3000",
    SWITCHYARD_STALLED_INTERVAL_MS: "1500",
    // Teardown should not wait long for calls the simulator holds open.
    SWITCHYARD_SHUTDOWN_TIMEOUT_MS: "2000",
    ...configEnv,
    ...options.env,
  };

  const started: RunningProcess[] = [];
  const live: RunningProcess[] = [];
  const startWorker = async () => {
    const worker = await startApp("worker", env, /worker started/, 30_000);
    started.push(worker);
    live.push(worker);
    return worker;
  };
  const stopAll = async () => {
    await Promise.all(started.map((app) => app.stop()));
    rmSync(dir, { recursive: true, force: true });
  };

  let sim: RunningProcess;
  let api: RunningProcess;
  let starting: Promise<RunningProcess> | undefined;
  try {
    const simEnv = { ...env, SIM_PORT: String(simPort), ...(options.simConfig ? { SIM_CONFIG: JSON.stringify(options.simConfig) } : {}) };
    sim = await startApp("provider-sim", simEnv, /listening/);
    started.push(sim);
    starting = startApp("api", { ...env, PORT: String(apiPort) }, /API listening/, 30_000).then((app) => {
      started.push(app);
      return app;
    });
    starting.catch(() => undefined); // awaited below; a worker failing first must not leave it unhandled
    // Workers one at a time: on two cores parallel boots mostly compete for the CPU.
    for (let index = 0; index < options.workers; index++) await startWorker();
    api = await starting;
  } catch (error) {
    // Never leave a half-started fleet behind a failed test.
    await starting?.catch(() => undefined);
    await stopAll();
    throw error;
  }
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  return {
    api: new ApiClient(apiUrl, adminKey),
    apiUrl,
    sim: new SimControl(simUrl),
    prefix,
    get workers() {
      return live;
    },
    get allWorkers() {
      return started.filter((app) => app !== sim && app !== api);
    },
    processes: { sim, api },
    killWorker: async (index = 0) => {
      const [victim] = live.splice(index, 1);
      if (!victim) throw new Error(`no running worker at index ${index}`);
      await victim.stop("SIGKILL");
      return victim;
    },
    startWorker,
    stop: stopAll,
  };
}
