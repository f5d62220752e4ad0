import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { resolveAdminKey } from "./admin-key.js";
import { ChildProcessGroup } from "./child-process-group.js";
import { resolveRedis, type ResolvedRedis } from "./resolve-redis.js";
import { waitForHttp } from "./wait-for-http.js";

// The local stack: Redis (if needed) + provider simulator + API + worker, in one terminal.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const STATE_DIR = process.env.SWITCHYARD_STATE_DIR ?? join(ROOT, ".switchyard");

function script(app: string): string {
  return join(ROOT, "apps", app, "dist", "main.js");
}

async function main(): Promise<void> {
  const port = process.env.PORT ?? "8080";
  const simPort = process.env.SIM_PORT ?? "4010";
  const adminKey = resolveAdminKey(process.env, join(STATE_DIR, "admin-key"));

  let redis: ResolvedRedis;
  try {
    redis = await resolveRedis(process.env, join(STATE_DIR, "redis"));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }

  let shuttingDown = false;
  const group = new ChildProcessGroup((name, code) => {
    process.stderr.write(`\n${name} exited unexpectedly (code ${code}); stopping the stack.\n`);
    void shutdown(1);
  });
  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.stdout.write("\nStopping Switchyard...\n");
    await group.stop(10_000);
    await redis.embedded?.stop();
    process.stdout.write("Stopped.\n");
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const simUrl = `http://127.0.0.1:${simPort}`;
  const shared = {
    REDIS_URL: redis.url,
    PROVIDER_SIM_URL: simUrl,
    SWITCHYARD_ADMIN_KEY: adminKey,
  };
  const apiUrl = `http://localhost:${port}`;
  try {
    // Plausible provider latency for a demo; SIM_CONFIG in the environment replaces it.
    const simConfig = process.env.SIM_CONFIG ?? JSON.stringify({ latency: { kind: "lognormal", medianMs: 350, p99Ms: 1500 } });
    group.start({ name: "provider-sim", script: script("provider-sim"), env: { ...shared, SIM_PORT: simPort, SIM_CONFIG: simConfig } });
    await waitForHttp(`${simUrl}/healthz`, 15_000);
    group.start({ name: "worker", script: script("worker"), env: shared });
    group.start({ name: "api", script: script("api"), env: { ...shared, PORT: port } });
    await waitForHttp(`${apiUrl}/healthz`, 20_000);
  } catch (error) {
    process.stderr.write(`Switchyard failed to start: ${(error as Error).message}\n`);
    await shutdown(1);
    return;
  }

  const redisNote = redis.source === "embedded" ? `embedded redis-server, data in ${join(STATE_DIR, "redis")}` : redis.source;
  process.stdout.write(
    [
      "",
      "Switchyard is running.",
      `  API          ${apiUrl}`,
      `  Bull Board   ${apiUrl}/admin/queues   (log in as "admin" with the admin key as password)`,
      `  Docs         ${apiUrl}/docs   (same login; the files are README.md and docs/)`,
      `  API reference ${apiUrl}/docs/api   (OpenAPI 3.1 at ${apiUrl}/openapi.json; no login needed)`,
      `  Admin key    ${adminKey}   (send it as Authorization: Bearer <key>)`,
      `  Redis        ${redis.url}   (${redisNote})`,
      `  Provider sim ${simUrl}   (control API: ${simUrl}/_sim/config)`,
      "",
      "Try it:",
      `  curl -s -X POST ${apiUrl}/v1/requests -H "Authorization: Bearer ${adminKey}" -H "Content-Type: application/json" \\`,
      `    -d '{"messages":[{"role":"user","content":"Explain step by step how a hash map works and compare it to a tree"}]}'`,
      `  curl -s "${apiUrl}/v1/requests/<id>?wait=10" -H "Authorization: Bearer ${adminKey}"`,
      "",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Switchyard failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
