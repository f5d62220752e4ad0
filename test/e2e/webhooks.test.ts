import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../support/api-client.js";
import { startStack, type TestStack } from "../support/stack.js";
import { WebhookReceiver, type ReceivedWebhook } from "../support/webhook-receiver.js";

// Webhooks end to end: real API, worker and simulator processes, and a real receiver that verifies every delivery
// with the official `standardwebhooks` package. The retry schedule is shortened to 300 ms steps (production uses
// the spec's 5 s … 10 h); everything else is as deployed.
const config = (allowPrivateHosts: string[]) => `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
resilience:
  retryBackoff: { baseDelayMs: 10, maxDelayMs: 20 }
  retryQueue: { baseDelayMs: 100, maxDelayMs: 200, maxRounds: 1 }
  breaker: { failureThreshold: 1000, minCalls: 1000 }
  cache: { defaultMode: "off" }
webhooks:
  retryScheduleMs: [300, 300, 300]
  jitterRatio: 0
  attemptTimeoutMs: 2000
  allowPrivateHosts: ${JSON.stringify(allowPrivateHosts)}
deployments:
  - { id: only, provider: openai, format: openai-chat, model: only-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 100000, typicalLatencyMs: 100,
      quality: { general: 0.9 } }
`;

describe("webhooks", () => {
  let stack: TestStack;
  let strict: TestStack;
  let receiver: WebhookReceiver;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-webhooks-"));
    writeFileSync(join(dir, "local.yaml"), config(["127.0.0.1"]));
    writeFileSync(join(dir, "strict.yaml"), config([]));
    receiver = await WebhookReceiver.start();
    // Two installations: one allows 127.0.0.1 (local development), one runs the production policy.
    [stack, strict] = await Promise.all([
      startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "local.yaml") }),
      startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "strict.yaml") }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), strict?.stop(), receiver?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (on: TestStack, tenant: string, extra: Record<string, unknown> = {}) =>
    on.api.post("/v1/requests", { tenant, messages: [{ role: "user", content: `Say hi to ${tenant}.` }], ...extra });

  const register = async (on: TestStack, tenant: string, body: Record<string, unknown>) => {
    const created = await on.api.post(`/v1/webhooks/endpoints?tenant=${tenant}`, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; secret: string; url: string };
  };

  const types = (webhooks: ReceivedWebhook[]) => webhooks.map((webhook) => webhook.payload?.type);

  it("delivers a per-request webhook on success, signed with the tenant's secret", async () => {
    const secret = (await stack.api.get("/v1/webhooks/secret?tenant=t-one")).body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect((await stack.api.get("/v1/webhooks/secret?tenant=t-one")).body.secret).toBe(secret);
    const submitted = await ask(stack, "t-one", { webhook: { url: receiver.url("/per-request", secret) } });
    expect(submitted.status).toBe(202);
    const [webhook] = await receiver.waitFor("/per-request", 1);
    expect(webhook).toMatchObject({ verified: true, answered: 204 });
    expect(webhook!.id).toMatch(/^msg_\d+-\d+-request$/);
    expect(webhook!.headers["user-agent"]).toMatch(/^Switchyard-Webhooks\//);
    expect(webhook!.headers["content-type"]).toBe("application/json");
    expect(webhook!.payload).toMatchObject({
      type: "request.succeeded",
      data: { object: "request", id: submitted.body.id, status: "succeeded", tenant: "t-one", deployment_id: "only" },
    });
    expect(webhook!.payload!.data.result.message.content.length).toBeGreaterThan(0);
    expect(Date.parse(webhook!.payload!.timestamp)).toBeGreaterThan(0);
    // Bad webhook fields are the caller's fault: 400.
    for (const bad of [{ url: "ftp://x.example/" }, { url: "not a url" }, { url: `https://x.example/${"a".repeat(2100)}` }, { url: "https://u:p@x.example/" }, { uri: "https://x.example" }]) {
      const refused = await ask(stack, "t-one", { webhook: bad });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.error.param).toMatch(/^webhook/);
    }
  });

  it("manages a tenant's endpoints: secret once, list without it, 404 for another tenant, 400 for bad input", async () => {
    const endpoint = await register(stack, "t-two", { url: receiver.url("/managed"), events: ["request.failed"], description: "ops" });
    expect(endpoint).toMatchObject({ object: "webhook_endpoint", tenant: "t-two", status: "enabled", events: ["request.failed"], description: "ops" });
    expect(endpoint.id).toMatch(/^ep_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(Buffer.from(endpoint.secret.slice("whsec_".length), "base64").length).toBe(32);

    const list = await stack.api.get("/v1/webhooks/endpoints?tenant=t-two");
    expect(list.body.data.map((item: { id: string }) => item.id)).toEqual([endpoint.id]);
    expect(list.body.data[0].secret).toBeUndefined();
    expect((await stack.api.get(`/v1/webhooks/endpoints/${endpoint.id}`)).body).toMatchObject({ id: endpoint.id, status: "enabled" });
    expect((await stack.api.get(`/v1/webhooks/endpoints/${endpoint.id}/secret`)).body.secret).toBe(endpoint.secret);

    // A key of another tenant sees none of it.
    const key = await stack.api.post("/v1/admin/keys", { tenant: "t-other", scopes: ["submit", "read"] });
    expect(key.status).toBe(201);
    const other = new ApiClient(stack.apiUrl, key.body.key);
    expect((await other.get(`/v1/webhooks/endpoints/${endpoint.id}`)).status).toBe(404);
    expect((await other.get(`/v1/webhooks/endpoints/${endpoint.id}/secret`)).status).toBe(404);
    expect((await other.post(`/v1/webhooks/endpoints/${endpoint.id}/enable`, {})).status).toBe(404);
    expect((await other.get("/v1/webhooks/endpoints")).body.data).toEqual([]);
    expect((await other.get("/v1/webhooks/endpoints?tenant=t-two")).status).toBe(403);
    const foreignDelete = await fetch(`${stack.apiUrl}/v1/webhooks/endpoints/${endpoint.id}`, { method: "DELETE", headers: { authorization: `Bearer ${key.body.key}` } });
    expect(foreignDelete.status).toBe(404);

    for (const [body, param] of [
      [{ url: "http://127.0.0.2:9/" }, "url"],
      [{ url: "http://2130706434/" }, "url"],
      [{ url: "http://[::1]/" }, "url"],
      [{ url: "http://169.254.169.254/latest/meta-data" }, "url"],
      [{ url: "mailto:a@b.c" }, "url"],
      [{ url: "https://x.example/", events: ["request.exploded"] }, "events.0"],
      [{ url: "https://x.example/", colour: "red" }, "colour"],
    ] as const) {
      const refused = await stack.api.post("/v1/webhooks/endpoints?tenant=t-two", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.param).toBe(param);
    }
    expect((await stack.api.post("/v1/webhooks/endpoints/ep_nope/enable", {})).status).toBe(404);

    const deleted = await fetch(`${stack.apiUrl}/v1/webhooks/endpoints/${endpoint.id}`, { method: "DELETE", headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(await deleted.json()).toMatchObject({ id: endpoint.id, deleted: true });
    expect((await stack.api.get(`/v1/webhooks/endpoints/${endpoint.id}`)).status).toBe(404);
  });

  it("sends a tenant's endpoint request.queued_for_retry and then request.failed, and nothing it did not subscribe to", async () => {
    const failing = await register(stack, "t-fail", { url: receiver.url("/failing"), events: ["request.failed", "request.queued_for_retry"] });
    receiver.setSecret("/failing", failing.secret);
    const successesOnly = await register(stack, "t-fail", { url: receiver.url("/successes"), events: ["request.succeeded"] });
    receiver.setSecret("/successes", successesOnly.secret);
    await stack.sim.setModel("only-model", { errorRate: 1, errorStatus: 500 });
    try {
      const submitted = await ask(stack, "t-fail");
      const webhooks = await receiver.waitFor("/failing", 2);
      expect(webhooks.every((webhook) => webhook.verified)).toBe(true);
      expect(types(webhooks)).toEqual(["request.queued_for_retry", "request.failed"]);
      expect(webhooks[1]!.payload!.data).toMatchObject({ id: submitted.body.id, status: "failed", error: { code: "server" } });
      expect(new Set(webhooks.map((webhook) => webhook.id)).size).toBe(2);
    } finally {
      await stack.sim.reset();
    }
    expect(receiver.on("/successes")).toEqual([]);
  });

  it("retries a receiver that answers 500 twice with the same webhook-id, then stops at its 200", async () => {
    const endpoint = await register(stack, "t-retry", { url: receiver.url("/flaky") });
    receiver.setSecret("/flaky", endpoint.secret);
    receiver.answerWith("/flaky", 500, 500, 200);
    await ask(stack, "t-retry");
    const attempts = await receiver.waitFor("/flaky", 3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.on("/flaky").map((webhook) => webhook.answered)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((webhook) => webhook.id)).size).toBe(1);
    expect(attempts.every((webhook) => webhook.verified && webhook.payload?.type === "request.succeeded")).toBe(true);
  });

  it("disables an endpoint that answers 410 Gone, sends it nothing more, and enables it again on request", async () => {
    const endpoint = await register(stack, "t-gone", { url: receiver.url("/gone") });
    receiver.setSecret("/gone", endpoint.secret);
    receiver.answerWith("/gone", 410);
    await ask(stack, "t-gone");
    await receiver.waitFor("/gone", 1);
    let view = (await stack.api.get(`/v1/webhooks/endpoints/${endpoint.id}`)).body;
    for (let poll = 0; poll < 100 && view.status !== "disabled"; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = (await stack.api.get(`/v1/webhooks/endpoints/${endpoint.id}`)).body;
    }
    expect(view).toMatchObject({ status: "disabled", disabled_reason: expect.stringMatching(/410 Gone/) });
    const later = await ask(stack, "t-gone");
    await stack.api.get(`/v1/requests/${later.body.id}?wait=10`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.on("/gone")).toHaveLength(1);
    const enabled = await stack.api.post(`/v1/webhooks/endpoints/${endpoint.id}/enable`, {});
    expect(enabled.body).toMatchObject({ status: "enabled" });
    expect(enabled.body.disabled_reason).toBeUndefined();
    await ask(stack, "t-gone");
    expect((await receiver.waitFor("/gone", 2))[1]).toMatchObject({ verified: true, answered: 204 });
  });

  it("files a delivery that exhausted its retries as a dead letter, and redelivers it (API and Bull Board) with the same id", async () => {
    const endpoint = await register(stack, "t-dead", { url: receiver.url("/dead") });
    receiver.setSecret("/dead", endpoint.secret);
    // 1 attempt + 3 retries, then a redelivery that also fails 4 times, then one that succeeds.
    receiver.answerWith("/dead", 503, 503, 503, 503, 500, 500, 500, 500);
    await ask(stack, "t-dead");
    const deadLetters = async () => (await stack.api.get("/v1/webhooks/dead-letters?tenant=t-dead")).body.data as Record<string, any>[];
    const waitForDeadLetter = async (count: number) => {
      for (let poll = 0; poll < 200; poll++) {
        const letters = await deadLetters();
        if (letters.length >= count && letters.every((letter) => letter.state === "parked")) return letters;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error("no dead letter");
    };
    const [letter] = await waitForDeadLetter(1);
    expect(receiver.on("/dead")).toHaveLength(4);
    expect(letter).toMatchObject({ reason: "exhausted", attempts: 4, target: endpoint.id, last_error: "the receiver answered 503", event_type: "request.succeeded" });
    // Another tenant cannot see or redeliver it.
    expect((await stack.api.get("/v1/webhooks/dead-letters?tenant=t-one")).body.data).toEqual([]);

    const redelivered = await stack.api.post(`/v1/webhooks/deliveries/${letter!.id}/redeliver`, {});
    expect(redelivered.status).toBe(202);
    expect(redelivered.body.message_id).toBe(receiver.on("/dead")[0]!.id);
    expect((await stack.api.post(`/v1/webhooks/deliveries/${letter!.id}/redeliver`, {})).status).toBe(404);
    // The redelivery fails all four attempts too: a new dead letter, which Bull Board's "retry" redelivers.
    const [second] = await waitForDeadLetter(1);
    expect(second!.id).not.toBe(letter!.id);
    expect(second!.round).toBe(1);
    const basic = `Basic ${Buffer.from(`admin:${stack.adminKey}`).toString("base64")}`;
    const retried = await fetch(`${stack.apiUrl}/admin/queues/api/queues/webhooks.dead/${encodeURIComponent(second!.id)}/retry`, { method: "PUT", headers: { authorization: basic } });
    expect(retried.status).toBe(204);
    const all = await receiver.waitFor("/dead", 9);
    expect(all.at(-1)).toMatchObject({ verified: true, answered: 204 });
    expect(new Set(all.map((webhook) => webhook.id)).size).toBe(1);
  });

  it("refuses loopback without an allowlist: at registration for an IP literal, at connect time for a host name", async () => {
    expect((await strict.api.post("/v1/webhooks/endpoints", { url: receiver.url("/ssrf") })).body.error.code).toBe("webhook_url_not_allowed");
    // A request's own webhook gets the same 400 at submission, and nothing is accepted.
    const refused = await strict.api.post("/v1/requests", { messages: [{ role: "user", content: "Hi" }], webhook: { url: "http://169.254.169.254/latest" } });
    expect([refused.status, refused.body.error.code, refused.body.error.param]).toEqual([400, "webhook_url_not_allowed", "webhook.url"]);
    // `localhost` passes registration (names are judged on what they resolve to when connecting) and is refused then.
    const endpoint = await register(strict, "t-ssrf", { url: receiver.url("/ssrf").replace("127.0.0.1", "localhost") });
    receiver.setSecret("/ssrf", endpoint.secret);
    await ask(strict, "t-ssrf", { webhook: { url: `${receiver.url("/ssrf").replace("127.0.0.1", "localhost")}?per-request` } });
    let letters: Record<string, any>[] = [];
    for (let poll = 0; poll < 200 && letters.length < 2; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      letters = (await strict.api.get("/v1/webhooks/dead-letters?tenant=t-ssrf")).body.data;
    }
    expect(letters.map((letter) => letter.reason)).toEqual(["refused", "refused"]);
    expect(letters.map((letter) => letter.target).sort()).toEqual([endpoint.id, "request"].sort());
    expect(letters[0]!.last_error).toMatch(/refused to connect to localhost: .* is a loopback address/);
    expect(receiver.on("/ssrf")).toEqual([]);
  });
});
