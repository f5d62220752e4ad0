import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { hopJobId } from "@switchyard/contracts";
import { createRedis, QueueRegistry } from "@switchyard/queue";
import { ApiClient } from "../support/api-client.js";
import { startStack, type TestStack } from "../support/stack.js";

const ask = (content: string, model: string) => ({ model, messages: [{ role: "user", content }] });

// POST /v1/requests/:id/cancel against real processes: a waiting job is removed before any provider call, a running
// call is aborted (the simulator sees its connection closed), and the record says cancelled exactly once.
describe("POST /v1/requests/:id/cancel", () => {
  let stack: TestStack;
  let redis: Redis;
  let queues: QueueRegistry;

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    redis = createRedis(inject("redisUrl"), "worker");
    queues = new QueueRegistry(redis, { prefix: stack.prefix, keepCompletedCount: 10, keepFailedAgeSeconds: 60 });
  });
  afterEach(async () => {
    await stack.sim.reset();
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  async function statusOf(id: string, client = stack.api): Promise<string> {
    return (await client.get(`/v1/requests/${id}`)).body.status;
  }

  it("removes a waiting job, so the provider is never called", async () => {
    const queue = queues.deployment("openai-gpt-4-1-mini");
    await queue.pause();
    try {
      const { body } = await stack.api.post("/v1/requests", ask("Wait in line.", "openai-gpt-4-1-mini"));
      const jobId = hopJobId(body.id, 2);
      await expect.poll(async () => (await queue.getJob(jobId)) !== undefined, { timeout: 10_000 }).toBe(true);

      const cancelled = await stack.api.post(`/v1/requests/${body.id}/cancel`, "");
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ object: "request", id: body.id, status: "cancelled", error: { code: "cancelled" } });
      expect(await queue.getJob(jobId)).toBeUndefined();
    } finally {
      await queue.resume();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stack.sim.modelRequests("gpt-4.1-mini")).toBe(0);
  });

  it("aborts a running provider call without falling back, and answers 409 after", async () => {
    await stack.sim.setModel("gpt-4.1", { latency: { kind: "fixed", ms: 30_000 } });
    const { body } = await stack.api.post("/v1/requests", ask("Take your time.", "openai-gpt-4-1"));
    await expect.poll(() => statusOf(body.id), { timeout: 10_000 }).toBe("running");
    // The call is at the simulator once it counts a request in flight; give the request a moment to get there.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const startedAt = Date.now();
    const cancelled = await stack.api.post(`/v1/requests/${body.id}/cancel`, "");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    // The simulator records a client that went away before its latency elapsed as 499.
    await expect.poll(async () => (await stack.sim.stats()).byModel["gpt-4.1"]?.byStatus["499"], { timeout: 5_000 }).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(5_000);

    // No fallback: give the cascade the time it would take, then nothing else was called and nothing changed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stats = await stack.sim.stats();
    expect(stats.totalRequests).toBe(1);
    const record = (await stack.api.get(`/v1/requests/${body.id}`)).body;
    expect(record.status).toBe("cancelled");
    expect(record.hops.map((hop: { stage: string }) => hop.stage)).toEqual(["dispatch"]);

    const again = await stack.api.post(`/v1/requests/${body.id}/cancel`, "");
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("cancelled");
  });

  it("answers 409 naming the status for a finished request, 404 for an unknown one and for another tenant's", async () => {
    const { body } = await stack.api.post("/v1/requests", ask("Quick one.", "auto"));
    expect((await stack.api.get(`/v1/requests/${body.id}?wait=20`)).body.status).toBe("succeeded");
    const finished = await stack.api.post(`/v1/requests/${body.id}/cancel`, "");
    expect(finished.status).toBe(409);
    expect(finished.body.error).toMatchObject({ code: "already_terminal", message: expect.stringContaining("succeeded") });

    expect((await stack.api.post("/v1/requests/req_00000000000000000000000000/cancel", "")).status).toBe(404);

    const created = await stack.api.post("/v1/admin/keys", { tenant: `cancel-${randomUUID().slice(0, 8)}`, scopes: ["submit", "read"] });
    const stranger = new ApiClient(stack.apiUrl, created.body.key);
    await stack.sim.setModel("gpt-4.1", { latency: { kind: "fixed", ms: 30_000 } });
    const theirs = await stack.api.post("/v1/requests", ask("Mine, not yours.", "openai-gpt-4-1"));
    const refused = await stranger.post(`/v1/requests/${theirs.body.id}/cancel`, "");
    expect(refused.status).toBe(404);
    expect(await statusOf(theirs.body.id)).not.toBe("cancelled");
    expect((await stack.api.post(`/v1/requests/${theirs.body.id}/cancel`, "")).status).toBe(200);
  });
});
