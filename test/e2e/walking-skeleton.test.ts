import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

// The first real path through Switchyard: API → tier queue → dispatcher → deployment queue → provider
// worker → provider simulator → request record, all as separate processes on a real Redis.
describe("walking skeleton", () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Debug logging, so the log-hygiene check below sees every line the processes can write.
    stack = await startStack(inject("redisUrl"), { LOG_LEVEL: "debug" });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("accepts a request with 202 and completes it through the queues", async () => {
    const submitted = await stack.api.post("/v1/requests", {
      messages: [
        { role: "system", content: "You are concise." },
        { role: "user", content: "Explain step by step why quicksort is fast, then compare it to mergesort." },
      ],
      max_tokens: 200,
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ object: "request", status: "queued", tier: "premium" });
    expect(submitted.body.id).toMatch(/^req_[0-9a-z]{26}$/);
    expect(submitted.body.status_url).toBe(`${stack.apiUrl}/v1/requests/${submitted.body.id}`);

    const done = await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`);
    expect(done.status).toBe(200);
    const record = done.body;
    expect(record.status).toBe("succeeded");
    expect(record.tier).toBe("premium");
    expect(record.classification).toMatchObject({ complexity: "high", contains_pii: false });
    expect(record.classification.estimated_input_tokens).toBeGreaterThan(10);
    expect(record.deployment_id).toEqual(expect.any(String));
    expect(record.hops.map((hop: { stage: string; outcome: string }) => [hop.stage, hop.outcome])).toEqual([
      ["dispatch", "ok"],
      ["provider", "ok"],
    ]);
    expect(record.hops[0].queue).toBe("tier.premium");
    expect(record.hops[1].queue).toBe(`deployment.${record.deployment_id}`);
    expect(record.result.message.content.length).toBeGreaterThan(0);
    expect(record.usage.input_tokens).toBeGreaterThan(0);
    expect(record.usage.output_tokens).toBeGreaterThan(0);
    expect(record.cost_usd).toBeGreaterThan(0);
    expect(record.finished_at_ms).toBeGreaterThanOrEqual(record.created_at_ms);
  });

  it("keeps PII on private deployments", async () => {
    const submitted = await stack.api.post("/v1/requests", {
      messages: [{ role: "user", content: "Email jane.doe@example.com about card 4111 1111 1111 1111" }],
    });
    expect(submitted.body.tier).toBe("private");
    const record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
    expect(record.status).toBe("succeeded");
    expect(record.classification.pii_kinds).toEqual(expect.arrayContaining(["email", "card"]));
    expect(record.deployment_id).toBe("local-llama-3-1-8b");
  });

  it("routes realtime requests to the fast tier and honours hard constraints", async () => {
    const submitted = await stack.api.post("/v1/requests", {
      messages: [{ role: "user", content: "What is the capital of France?" }],
      metadata: { urgency: "realtime" },
      constraints: { maxLatencyMs: 1000 },
    });
    expect(submitted.body.tier).toBe("fast");
    const record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
    expect(record.status).toBe("succeeded");
    expect(["openai-gpt-4-1-mini", "anthropic-claude-haiku-4-5", "gemini-2-5-flash"]).toContain(record.deployment_id);
  });

  it("fails a request no deployment can serve, saying why", async () => {
    const submitted = await stack.api.post("/v1/requests", {
      messages: [{ role: "user", content: "hello" }],
      constraints: { maxCostPer1k: 0.00001, maxLatencyMs: 100 },
    });
    expect(submitted.status).toBe(202);
    const record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
    expect(record.status).toBe("failed");
    expect(record.error.code).toBe("no_eligible_deployment");
    expect(record.error.message).toMatch(/latency/);
  });

  it("retries a failing provider, queues the request for retry with the reason, and completes it once healed", async () => {
    const control = await fetch(`${stack.simUrl}/_sim/config`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ models: { "llama-3.1-8b-instruct": { errorRate: 1, errorStatus: 500 } } }),
    });
    expect(control.status).toBe(200);
    try {
      // PII: only the private local deployment may serve it, so there is nothing to fall back to.
      const submitted = await stack.api.post("/v1/requests", {
        messages: [{ role: "user", content: "Call me at +1 415 555 0132 please" }],
      });
      let record = (await stack.api.get(`/v1/requests/${submitted.body.id}`)).body;
      for (let poll = 0; poll < 100 && record.status !== "queued_for_retry"; poll++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        record = (await stack.api.get(`/v1/requests/${submitted.body.id}`)).body;
      }
      expect(record.status).toBe("queued_for_retry");
      expect(record.retry).toMatchObject({ round: 1, reason: expect.stringMatching(/^server: /) });
      const providerHops = record.hops.filter((hop: { stage: string }) => hop.stage === "provider");
      expect(providerHops.map((hop: { attempt: number; error: { code: string; http_status: number } }) => [hop.attempt, hop.error.code, hop.error.http_status])).toEqual([
        [1, "server", 500],
        [2, "server", 500],
        [3, "server", 500],
      ]);
      expect(new Set(providerHops.map((hop: { deployment_id: string }) => hop.deployment_id))).toEqual(new Set(["local-llama-3-1-8b"]));
      expect(record.hops.at(-1)).toMatchObject({ stage: "cache", note: expect.stringMatching(/cache not used; retry round 1/) });

      await fetch(`${stack.simUrl}/_sim/reset`, { method: "POST" });
      record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
      expect(record.status).toBe("succeeded");
      expect(record.deployment_id).toBe("local-llama-3-1-8b");
      expect(record.hops.map((hop: { stage: string }) => hop.stage).slice(-2)).toEqual(["retry", "provider"]);
    } finally {
      await fetch(`${stack.simUrl}/_sim/reset`, { method: "POST" });
    }
  });

  it("answers a long-poll on a finished request at once and a missing one with 404", async () => {
    const missing = await stack.api.get("/v1/requests/req_0000000000aaaaaaaaaaaaaaaa?wait=1");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: "not_found_error" });
    const bogus = await stack.api.get("/v1/requests/not-an-id");
    expect(bogus.status).toBe(404);
    const badWait = await stack.api.get("/v1/requests/req_0000000000aaaaaaaaaaaaaaaa?wait=9999");
    expect(badWait.status).toBe(400);
    expect(badWait.body.error.param).toBe("wait");
  });

  it("serves Bull Board behind authentication with tier, deployment and cascade stage queues", async () => {
    const anonymous = await fetch(`${stack.apiUrl}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/Basic/);
    const basic = `Basic ${Buffer.from(`admin:${stack.adminKey}`).toString("base64")}`;
    const page = await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const queues = await stack.api.get("/admin/queues/api/queues");
    expect(queues.status).toBe(200);
    const names: string[] = queues.body.queues.map((queue: { name: string }) => queue.name);
    expect(names).toEqual(expect.arrayContaining(["tier.premium", "tier.private", "tier.fast", "tier.standard", "tier.batch"]));
    expect(names).toEqual(expect.arrayContaining(["deployment.openai-gpt-4-1", "deployment.local-llama-3-1-8b"]));
    expect(names).toEqual(expect.arrayContaining(["stage.cache", "stage.retry"]));
  });

  it("serves the docs behind the same login", async () => {
    expect((await fetch(`${stack.apiUrl}/docs`)).status).toBe(401);
    const index = await stack.api.get("/docs");
    expect(index.status).toBe(200);
    expect(index.body).toContain("/docs/architecture");
    const architecture = await stack.api.get("/docs/architecture");
    expect(architecture.headers.get("content-type")).toMatch(/markdown/);
    expect(architecture.body).toContain("# Switchyard architecture");
    expect((await stack.api.get("/docs/nope")).status).toBe(404);
  });

  it("requires the admin key everywhere but /healthz", async () => {
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
    const noKey = await fetch(`${stack.apiUrl}/v1/requests`, { method: "POST", body: "{}" });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    const wrongKey = await fetch(`${stack.apiUrl}/v1/requests/req_0000000000aaaaaaaaaaaaaaaa`, {
      headers: { authorization: "Bearer wrong" },
    });
    expect(wrongKey.status).toBe(401);
  });

  it("logs request and job ids, never prompt text or keys", async () => {
    const secretPrompt = "zebra-marmalade-7781 explain why";
    const submitted = await stack.api.post("/v1/requests", { messages: [{ role: "user", content: secretPrompt }] });
    const record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
    expect(record.status).toBe("succeeded");
    await stack.processes.worker.waitForOutput(new RegExp(`"jobId":"${submitted.body.id}-h2"`));
    const logs = [stack.processes.api, stack.processes.worker, stack.processes.sim].map((process) => process.output()).join("\n");
    expect(logs).toContain(submitted.body.id);
    expect(logs).toMatch(new RegExp(`"jobId":"${submitted.body.id}-h2"`));
    expect(logs).not.toContain("zebra-marmalade");
    expect(logs).not.toContain(stack.adminKey);
    for (const line of stack.processes.worker.output().split("\n").filter((text) => text.startsWith("{"))) {
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
