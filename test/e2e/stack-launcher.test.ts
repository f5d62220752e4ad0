import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@switchyard/embedded-redis";
import { ApiClient } from "../support/api-client.js";
import { startApp, type RunningProcess } from "../support/processes.js";

// `npm start`'s launcher: with no REDIS_URL and nothing on the default address it starts its own
// redis-server (AOF on) under the state folder, prints how to log in, and Ctrl-C stops everything.
describe("stack launcher", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "switchyard-stack-"));
  let stack: RunningProcess | undefined;

  afterAll(async () => {
    await stack?.stop("SIGKILL");
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("starts Redis-if-needed, the simulator, the API and a worker, and stops them all on SIGINT", async () => {
    const [port, simPort, closedPort] = [await freePort(), await freePort(), await freePort()];
    const env: Record<string, string> = {
      PORT: String(port),
      SIM_PORT: String(simPort),
      SWITCHYARD_STATE_DIR: stateDir,
      SWITCHYARD_DEFAULT_REDIS_URL: `redis://127.0.0.1:${closedPort}`,
      SIM_CONFIG: JSON.stringify({ latency: { kind: "fixed", ms: 5 } }),
    };
    stack = await startApp("stack", { ...env, REDIS_URL: "" }, /Press Ctrl-C to stop/, 60_000);
    const banner = stack.output();
    expect(banner).toContain(`http://localhost:${port}/admin/queues`);
    expect(banner).toMatch(/embedded redis-server/);
    const key = /Admin key\s+(\S+)/.exec(banner)?.[1];
    expect(key).toBeDefined();
    expect(existsSync(join(stateDir, "admin-key"))).toBe(true);

    const api = new ApiClient(`http://127.0.0.1:${port}`, key as string);
    const submitted = await api.post("/v1/requests", { messages: [{ role: "user", content: "What is a queue?" }] });
    expect(submitted.status).toBe(202);
    const record = (await api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
    expect(record.status).toBe("succeeded");
    expect(readdirSync(join(stateDir, "redis")).join(" ")).toMatch(/appendonly/);

    const exited = new Promise<number | null>((resolve) => stack?.child.once("exit", (code) => resolve(code)));
    stack.child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stack.output()).toMatch(/Stopped\./);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${simPort}/healthz`)).rejects.toThrow();
  });
});
