import { randomBytes } from "node:crypto";
import { freePort } from "@switchyard/embedded-redis";
import { ApiClient } from "./api-client.js";
import { startApp, type RunningProcess } from "./processes.js";
import { SimControl } from "./sim-control.js";

export interface TestStack {
  api: ApiClient;
  apiUrl: string;
  simUrl: string;
  /** The simulator's control API. */
  sim: SimControl;
  adminKey: string;
  prefix: string;
  processes: { sim: RunningProcess; worker: RunningProcess; api: RunningProcess };
  stop(): Promise<void>;
}

/** Provider simulator + worker + API as real processes against the given Redis, under a fresh prefix. */
export async function startStack(redisUrl: string, extraEnv: Record<string, string> = {}): Promise<TestStack> {
  const adminKey = `sy_test_${randomBytes(12).toString("hex")}`;
  const prefix = `{e${randomBytes(4).toString("hex")}}`;
  const [simPort, apiPort] = [await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  const env = {
    REDIS_URL: redisUrl,
    SWITCHYARD_REDIS_PREFIX: prefix,
    PROVIDER_SIM_URL: simUrl,
    SWITCHYARD_ADMIN_KEY: adminKey,
    ...extraEnv,
  };
  const sim = await startApp("provider-sim", { ...env, SIM_PORT: String(simPort) }, /listening/);
  const others = await Promise.allSettled([
    startApp("worker", env, /worker started/),
    startApp("api", { ...env, PORT: String(apiPort) }, /API listening/),
  ]);
  const [worker, api] = others;
  if (worker.status === "rejected" || api.status === "rejected") {
    // Never leave a half-started stack behind a failed test.
    await Promise.all([sim, ...others.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []))].map((process) => process.stop()));
    throw worker.status === "rejected" ? worker.reason : (api as PromiseRejectedResult).reason;
  }
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  return {
    api: new ApiClient(apiUrl, adminKey),
    apiUrl,
    simUrl,
    sim: new SimControl(simUrl),
    adminKey,
    prefix,
    processes: { sim, worker: worker.value, api: api.value },
    stop: async () => {
      await Promise.all([api.value.stop(), worker.value.stop(), sim.stop()]);
    },
  };
}
