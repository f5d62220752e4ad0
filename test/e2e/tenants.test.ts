import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../support/api-client.js";
import { ROOT } from "../support/processes.js";
import { startStack, type TestStack } from "../support/stack.js";

const run = promisify(execFile);

// Tenants and their API keys: a key belongs to a tenant and carries scopes; what it submits is its tenant's, what it
// reads is only its tenant's (another tenant's request is a 404, as if it did not exist), and the admin endpoints,
// the CLI and the dashboard's read-only login manage and watch it all.
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
dashboard: { username: admin, readOnlyUsername: viewer, readOnlyPasswordEnv: SY_TEST_VIEWER_PASSWORD }
deployments:
  - { id: only, provider: openai, format: openai-chat, model: only-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 100000, typicalLatencyMs: 100,
      quality: { general: 0.9 } }
`;
const VIEWER_PASSWORD = "viewer-password-for-tests";
const hello = { messages: [{ role: "user", content: "Say hi." }], max_tokens: 16 };

describe("tenants and API keys", () => {
  let stack: TestStack;
  let dir: string;
  let env: Record<string, string>;

  const createKey = async (tenant: string, scopes: string[], name = "test") => {
    const created = await stack.api.post("/v1/admin/keys", { tenant, scopes, name });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, client: new ApiClient(stack.apiUrl, created.body.key as string), key: created.body.key as string };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-keys-"));
    writeFileSync(join(dir, "switchyard.yaml"), CONFIG);
    env = { SWITCHYARD_CONFIG: join(dir, "switchyard.yaml"), SY_TEST_VIEWER_PASSWORD: VIEWER_PASSWORD };
    stack = await startStack(inject("redisUrl"), env);
    env = { ...env, REDIS_URL: inject("redisUrl"), SWITCHYARD_REDIS_PREFIX: stack.prefix, PROVIDER_SIM_URL: stack.simUrl };
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates keys whose secret is shown once, and lists them without secrets", async () => {
    const created = await stack.api.post("/v1/admin/keys", { tenant: "acme", scopes: ["submit", "read"], name: "ci" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: "api_key", tenant: "acme", scopes: ["submit", "read"], name: "ci" });
    expect(created.body.key).toMatch(new RegExp(`^sy_${created.body.id}_[A-Za-z0-9_-]{43}$`));
    const listed = await stack.api.get("/v1/admin/keys?tenant=acme");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((key: { id: string }) => key.id)).toContain(created.body.id);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.body.key.slice(-43));
    expect(text).not.toMatch(/secret|sha256/i);
    expect((await stack.api.post("/v1/admin/keys", { tenant: "a:b", scopes: ["read"] })).status).toBe(400);
    expect((await stack.api.post("/v1/admin/keys", { tenant: "acme", scopes: ["root"] })).status).toBe(400);
  });

  it("keeps each tenant's requests to itself: another tenant's key gets the same 404 as for a missing one", async () => {
    const acme = await createKey("acme", ["submit", "read"]);
    const globex = await createKey("globex", ["submit", "read"]);
    const submitted = await acme.client.post("/v1/requests", hello);
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const own = await acme.client.get(`/v1/requests/${id}?wait=20`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ tenant: "acme", status: "succeeded" });

    const foreign = await globex.client.get(`/v1/requests/${id}?wait=1`);
    const missingId = `req_${"0".repeat(10)}${"a".repeat(16)}`;
    const missing = await globex.client.get(`/v1/requests/${missingId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe(`no request ${id}`);
    expect(missing.body.error.message).toBe(`no request ${missingId}`);
    expect(foreign.body.error.type).toBe(missing.body.error.type);
    // The bootstrap admin key sees every tenant.
    expect((await stack.api.get(`/v1/requests/${id}`)).body.tenant).toBe("acme");

    // A tenant key cannot submit as another tenant; the admin key still can.
    const spoofed = await acme.client.post("/v1/requests", { ...hello, tenant: "globex" });
    expect(spoofed.status).toBe(403);
    expect(spoofed.body.error).toMatchObject({ type: "permission_error", code: "tenant_mismatch", param: "tenant" });
    expect((await acme.client.post("/v1/requests", { ...hello, tenant: "acme" })).status).toBe(202);
    const forGlobex = await stack.api.post("/v1/requests", { ...hello, tenant: "globex" });
    expect(forGlobex.status).toBe(202);
    expect((await globex.client.get(`/v1/requests/${forGlobex.body.id}`)).body.tenant).toBe("globex");
  });

  it("takes the tenant of the drop-in endpoints from the key too (x-api-key, as Anthropic's SDK sends it)", async () => {
    const acme = await createKey("acme", ["submit", "read"]);
    const response = await fetch(`${stack.apiUrl}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": acme.key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "auto", max_tokens: 16, messages: [{ role: "user", content: "Say hi." }] }),
    });
    expect(response.status).toBe(200);
    const id = response.headers.get("x-switchyard-request-id");
    expect((await stack.api.get(`/v1/requests/${id}`)).body.tenant).toBe("acme");
  });

  it("enforces scopes with a 403 naming the missing one", async () => {
    const reader = await createKey("acme", ["read"]);
    const submitter = await createKey("acme", ["submit"]);
    const refused = await reader.client.post("/v1/requests", hello);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: "permission_error", code: "missing_scope" });
    expect(refused.body.error.message).toContain('"submit"');
    expect((await reader.client.post("/v1/chat/completions", { model: "auto", ...hello })).status).toBe(403);
    expect((await reader.client.get("/v1/models")).status).toBe(200);
    expect((await reader.client.get("/v1/deployments")).status).toBe(200);

    const submitted = await submitter.client.post("/v1/requests", hello);
    expect(submitted.status).toBe(202);
    const read = await submitter.client.get(`/v1/requests/${submitted.body.id}`);
    expect(read.status).toBe(403);
    expect(read.body.error.message).toContain('"read"');

    for (const client of [reader.client, submitter.client]) {
      expect((await client.get("/v1/admin/keys")).status).toBe(403);
      expect((await client.post("/v1/admin/keys", { tenant: "acme", scopes: ["admin"] })).status).toBe(403);
      expect((await client.post("/v1/deployments/only/circuit/reset", {})).status).toBe(403);
      expect((await client.get("/v1/admin/tenants/acme/budget")).status).toBe(403);
    }
    // A tenant key with `admin` is an admin, for every tenant.
    const admin = await createKey("ops", ["admin"]);
    expect((await admin.client.get("/v1/admin/keys?tenant=acme")).status).toBe(200);
    expect((await admin.client.post("/v1/deployments/only/circuit/reset", {})).status).toBe(200);
  });

  it("refuses a revoked key with 401 (within the 5 s verification cache)", async () => {
    const doomed = await createKey("acme", ["read"]);
    expect((await doomed.client.get("/v1/models")).status).toBe(200);
    const revoked = await fetch(`${stack.apiUrl}/v1/admin/keys/${doomed.id}`, { method: "DELETE", headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at_ms: number }).revoked_at_ms).toBeGreaterThan(0);
    const deadline = Date.now() + 7_000;
    let status = 200;
    while (status !== 401 && Date.now() < deadline) {
      status = (await doomed.client.get("/v1/models")).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
    const answer = await doomed.client.get("/v1/models");
    expect(answer.body.error).toMatchObject({ type: "authentication_error" });
    expect((await new ApiClient(stack.apiUrl, "sy_0123456789abcdef_" + "x".repeat(43)).get("/v1/models")).status).toBe(401);
    const missing = await fetch(`${stack.apiUrl}/v1/admin/keys/ffffffffffffffff`, { method: "DELETE", headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(missing.status).toBe(404);
  });

  it("creates, lists and revokes keys from the CLI, and a CLI key works at once", async () => {
    const cli = (...args: string[]) => run(process.execPath, [`${ROOT}apps/api/dist/cli/main.js`, "keys", ...args], { env: { ...process.env, ...env } });
    const created = await cli("create", "--tenant", "cli-co", "--scopes", "submit,read", "--name", "from-cli");
    const key = /^(sy_[0-9a-f]{16}_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const client = new ApiClient(stack.apiUrl, key!);
    const submitted = await client.post("/v1/requests", hello);
    expect(submitted.status).toBe(202);
    expect((await client.get(`/v1/requests/${submitted.body.id}`)).body.tenant).toBe("cli-co");

    const listed = await cli("list", "--tenant", "cli-co", "--json");
    const keys = JSON.parse(listed.stdout) as { id: string; name: string; scopes: string[] }[];
    expect(keys).toEqual([expect.objectContaining({ name: "from-cli", scopes: ["submit", "read"] })]);
    expect(listed.stdout).not.toContain(key!.slice(-43));
    expect((await cli("revoke", keys[0]!.id)).stdout).toContain("Revoked");
    await expect(cli("create", "--tenant", "cli-co", "--scopes", "everything")).rejects.toMatchObject({ code: 2 });
  });

  it("serves a read-only dashboard to the read-only login, which can change nothing", async () => {
    const viewer = `Basic ${Buffer.from(`viewer:${VIEWER_PASSWORD}`).toString("base64")}`;
    const page = await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization: viewer } });
    expect(page.status).toBe(200);
    const queues = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, { headers: { authorization: viewer } });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.length).toBeGreaterThan(0);
    expect(body.queues.every((queue) => queue.readOnlyMode)).toBe(true);
    for (const [method, path] of [
      ["PUT", "/admin/queues/api/queues/tier.standard/pause"],
      ["PUT", "/admin/queues/api/queues/tier.standard/retry/failed"],
      ["PUT", "/admin/queues/api/queues/tier.standard/clean/completed"],
      ["POST", "/admin/queues/api/queues/tier.standard/add"],
    ] as const) {
      const action = await fetch(`${stack.apiUrl}${path}`, { method, headers: { authorization: viewer, "content-type": "application/json" }, body: "{}" });
      expect(action.status).toBe(403);
    }
    // Its login opens nothing else, and a wrong password nothing at all.
    expect((await fetch(`${stack.apiUrl}/v1/models`, { headers: { authorization: viewer } })).status).toBe(401);
    const wrong = `Basic ${Buffer.from("viewer:nope").toString("base64")}`;
    expect((await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization: wrong } })).status).toBe(401);
    // The admin still gets the full board; a tenant key without admin gets none (jobs hold every tenant's prompts).
    const full = await stack.api.get("/admin/queues/api/queues");
    expect(full.body.queues.some((queue: { readOnlyMode: boolean }) => !queue.readOnlyMode)).toBe(true);
    const tenantReader = await createKey("acme", ["read"]);
    expect((await tenantReader.client.get("/admin/queues/api/queues")).status).toBe(403);
  });
});
