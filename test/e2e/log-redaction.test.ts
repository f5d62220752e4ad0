import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../support/api-client.js";
import { startStack, type TestStack } from "../support/stack.js";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/**
 * Secrets and prompt text never reach the logs, even at debug level: a full stack runs with planted values in every
 * place a caller or operator puts them, and every process's output is scanned for them afterwards.
 */
describe("log redaction", () => {
  let stack: TestStack;
  // A provider key with no recognisable shape, so only field-based redaction (or never logging it) keeps it out.
  const providerKey = `prov${hex(16)}`;
  const prompt = `purple-giraffe-${hex(8)}-eats-marmalade`;
  const completionPrompt = `drop-in-secret-prompt-${hex(8)}`;
  const anthropicPrompt = `anthropic-secret-prompt-${hex(8)}`;
  const bodyWebhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const planted: Record<string, string> = {};
  const requestIds: string[] = [];

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"), {
      LOG_LEVEL: "debug",
      // The config names these variables (`apiKeyEnv`); the adapters send them to the simulator, which checks them.
      OPENAI_API_KEY: providerKey,
      ANTHROPIC_API_KEY: providerKey,
      GEMINI_API_KEY: providerKey,
    });
    await stack.sim.patch({ requireApiKey: providerKey });
    Object.assign(planted, {
      adminKey: stack.adminKey,
      providerKey,
      prompt,
      completionPrompt,
      anthropicPrompt,
      bodyWebhookSecret,
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("keeps every planted secret and prompt out of every process's output", async () => {
    // An async request whose prompt and metadata carry the planted strings.
    const submitted = await stack.api.post("/v1/requests", {
      messages: [
        { role: "system", content: `You guard ${bodyWebhookSecret}.` },
        { role: "user", content: `Repeat after me: ${prompt}` },
      ],
      metadata: { note: bodyWebhookSecret, ticket: prompt },
    });
    expect(submitted.status).toBe(202);
    requestIds.push(submitted.body.id);
    expect((await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body.status).toBe("succeeded");

    // A tenant key (its secret is in the answer once), used as a bearer and as x-api-key on the drop-in endpoints.
    const created = await stack.api.post("/v1/admin/keys", { tenant: `logs-${hex(4)}`, scopes: ["submit", "read"] });
    expect(created.status).toBe(201);
    planted.tenantKey = created.body.key;
    const tenant = new ApiClient(stack.apiUrl, created.body.key);
    const completion = await tenant.post("/v1/chat/completions", { model: "auto", messages: [{ role: "user", content: completionPrompt }] });
    expect(completion.status).toBe(200);
    requestIds.push(completion.headers.get("x-switchyard-request-id") ?? "");
    const message = await fetch(`${stack.apiUrl}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": created.body.key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "auto", max_tokens: 64, messages: [{ role: "user", content: anthropicPrompt }] }),
    });
    expect(message.status).toBe(200);

    // The tenant's webhook signing secret, where the webhook routes exist.
    const secret = await tenant.get("/v1/webhooks/secret");
    if (secret.status === 200 && typeof secret.body?.secret === "string") planted.webhookSecret = secret.body.secret;

    // Failure paths log more: a wrong key, a malformed body quoting the prompt, an unknown route with a secret in it.
    const wrongKey = `sy_live_${hex(12)}`;
    planted.wrongKey = wrongKey;
    expect((await new ApiClient(stack.apiUrl, wrongKey).get("/v1/requests")).status).toBe(401);
    expect((await stack.api.post("/v1/requests", `{"messages": [{"role": "user", "content": "${prompt}"`)).status).toBe(400);
    expect((await stack.api.get(`/v1/nothing/${bodyWebhookSecret.slice(0, 20)}`)).status).toBe(404);

    // Last, because it trips the circuits: the provider refuses the key (401), so the worker logs provider errors.
    await stack.sim.patch({ requireApiKey: `other${hex(8)}` });
    const refused = await stack.api.post("/v1/requests", { messages: [{ role: "user", content: `refused ${prompt}` }] });
    requestIds.push(refused.body.id);
    // Every deployment refuses it: the request ends in the retry queue (or failed); either way the errors were logged.
    let status = "";
    for (let polls = 0; polls < 200 && !["queued_for_retry", "failed"].includes(status); polls++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await stack.api.get(`/v1/requests/${refused.body.id}`)).body.status;
    }
    expect(["queued_for_retry", "failed"]).toContain(status);
    await stack.processes.worker.waitForOutput(/"kind":"auth"|circuit opened/, 5_000);

    // Stopping flushes every process's log stream.
    await stack.stop();
    const outputs = Object.entries(stack.processes).map(([name, process]) => ({ name, output: process.output() }));
    // Not vacuous: debug logging ran, and it talked about these requests.
    const all = outputs.map(({ output }) => output).join("\n");
    expect(all).toMatch(/"level":"debug"/);
    for (const id of requestIds.filter(Boolean)) expect(all).toContain(id);
    for (const { name, output } of outputs) {
      for (const [what, value] of Object.entries(planted)) {
        expect(output.includes(value), `${name}'s output contains the planted ${what}`).toBe(false);
      }
    }
  });
});
