import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../support/api-client.js";
import { startStack, type TestStack } from "../support/stack.js";

// Monthly USD budgets per tenant: each request's worst case (estimated input + max_tokens at the dearest deployment
// that could serve it) is reserved atomically at acceptance, the worker settles it at the actual cost from the outbox,
// and a tenant whose month is spent gets 402 `budget_exceeded`. Prices are a dollar per 1k tokens so amounts show.
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
tenants:
  thrifty: { monthlyBudgetUsd: 100 }
  tiny: { monthlyBudgetUsd: 0.05 }
  burst: { monthlyBudgetUsd: 0.35 }
deployments:
  - { id: only, provider: openai, format: openai-chat, model: only-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 1, pricePer1kOutputUsd: 1, contextWindowTokens: 100000, typicalLatencyMs: 100,
      quality: { general: 0.9 } }
  - { id: broken, provider: openai, format: openai-chat, model: broken-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 1, pricePer1kOutputUsd: 1, contextWindowTokens: 100000, typicalLatencyMs: 100,
      quality: { general: 0.1 } }
`;
const hello = { messages: [{ role: "user", content: "Say hi." }], max_tokens: 100 };

interface Budget {
  month: string;
  limit_usd: number | null;
  spent_usd: number;
  reserved_usd: number;
}

describe("monthly tenant budgets", () => {
  let stack: TestStack;
  let dir: string;

  const keyFor = async (tenant: string) => {
    const created = await stack.api.post("/v1/admin/keys", { tenant, scopes: ["submit", "read"] });
    expect(created.status).toBe(201);
    return new ApiClient(stack.apiUrl, created.body.key as string);
  };
  const budget = async (tenant: string): Promise<Budget> => {
    const answer = await stack.api.get(`/v1/admin/tenants/${tenant}/budget`);
    expect(answer.status).toBe(200);
    return answer.body as Budget;
  };
  const put = async (path: string, body: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${stack.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  /** Settlement runs in the worker after the terminal transition; wait until nothing is reserved. */
  const settled = async (tenant: string): Promise<Budget> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const state = await budget(tenant);
      if (state.reserved_usd === 0 || Date.now() > deadline) return state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-budgets-"));
    writeFileSync(join(dir, "switchyard.yaml"), CONFIG);
    stack = await startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "switchyard.yaml") });
    await stack.sim.setModel("broken-model", { errorRate: 1, errorStatus: 400 });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reserves while requests run and settles at their actual cost: spent is the sum of the records' cost_usd", async () => {
    const thrifty = await keyFor("thrifty");
    const submitted = await Promise.all(Array.from({ length: 5 }, () => thrifty.post("/v1/requests", hello)));
    expect(submitted.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    const records = await Promise.all(submitted.map((answer) => thrifty.get(`/v1/requests/${answer.body.id}?wait=20`)));
    expect(records.map((record) => record.body.status)).toEqual(Array(5).fill("succeeded"));
    const costs = records.map((record) => record.body.cost_usd as number);
    const state = await settled("thrifty");
    expect(state).toMatchObject({ month: new Date().toISOString().slice(0, 7), limit_usd: 100, reserved_usd: 0 });
    expect(state.spent_usd).toBeCloseTo(costs.reduce((sum, cost) => sum + cost, 0), 8);
    expect(state.spent_usd).toBeGreaterThan(0);
  });

  it("answers 402 budget_exceeded, naming month, limit and spent, once the month's budget is spent", async () => {
    const thrifty = await keyFor("thrifty");
    const spent = (await settled("thrifty")).spent_usd;
    const limit = Math.round((spent + 0.05) * 1e6) / 1e6;
    const overridden = await put(`/v1/admin/tenants/thrifty/budget`, { monthly_budget_usd: limit });
    expect(overridden.status).toBe(200);
    expect(overridden.body).toMatchObject({ limit_usd: limit, limit_source: "override" });

    const refused = await thrifty.post("/v1/requests", hello);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ type: "budget_exceeded", code: "budget_exceeded" });
    const month = new Date().toISOString().slice(0, 7);
    expect(refused.body.error.message).toContain(month);
    expect(refused.body.error.message).toContain(`limit $${limit}`);
    expect(refused.body.error.message).toContain(`spent $${spent}`);
    const dropIn = await thrifty.post("/v1/chat/completions", { model: "auto", ...hello });
    expect(dropIn.status).toBe(402);

    // Removing the override restores the configured limit.
    expect((await put(`/v1/admin/tenants/thrifty/budget`, { monthly_budget_usd: null })).body.limit_source).toBe("config");
    const again = await thrifty.post("/v1/requests", hello);
    expect(again.status).toBe(202);
    await thrifty.get(`/v1/requests/${again.body.id}?wait=20`);
  });

  it("refuses a request whose worst case alone is over the limit", async () => {
    const refused = await (await keyFor("tiny")).post("/v1/requests", hello);
    expect(refused.status).toBe(402);
    expect((await budget("tiny")).reserved_usd).toBe(0);
  });

  it("releases the reservation of a failed request", async () => {
    const failing = await keyFor("failing");
    const submitted = await failing.post("/v1/requests", { ...hello, model: "broken" });
    expect(submitted.status).toBe(202);
    expect((await failing.get(`/v1/requests/${submitted.body.id}?wait=20`)).body.status).toBe("failed");
    expect(await settled("failing")).toMatchObject({ reserved_usd: 0, spent_usd: 0, limit_usd: null });
  });

  it("lets concurrent requests over the API reserve no more than the limit", async () => {
    // Slow answers keep every reservation held while the burst arrives.
    await stack.sim.setModel("only-model", { latency: { kind: "fixed", ms: 1_500 } });
    try {
      const burst = await keyFor("burst");
      const answers = await Promise.all(Array.from({ length: 8 }, () => burst.post("/v1/requests", hello)));
      const accepted = answers.filter((answer) => answer.status === 202);
      // Each worst case is (≈11 input + 100 output tokens) × $1/1k ≈ $0.11: three fit under $0.35, a fourth does not.
      expect(accepted).toHaveLength(3);
      expect(answers.filter((answer) => answer.status === 402)).toHaveLength(5);
      const during = await budget("burst");
      expect(during.reserved_usd + during.spent_usd).toBeLessThanOrEqual(0.35);
      await Promise.all(accepted.map((answer) => burst.get(`/v1/requests/${answer.body.id}?wait=20`)));
      const after = await settled("burst");
      expect(after.reserved_usd).toBe(0);
      expect(after.spent_usd).toBeLessThanOrEqual(0.35);
    } finally {
      await stack.sim.setModel("only-model", { latency: { kind: "fixed", ms: 0 } });
    }
  });
});
