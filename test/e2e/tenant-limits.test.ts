import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

// Per-tenant budgets at the door: requests and tokens per minute, fleet-wide in Redis, answered with 429 and
// retry-after before anything is accepted, so one tenant's flood cannot crowd out another's traffic.
const CONFIG = `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
tenants:
  acme: { rpm: 3 }
  tiny: { tpm: 200 }
  default: { rpm: 1000 }
deployments:
  - { id: only, provider: openai, format: openai-chat, model: only-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002, contextWindowTokens: 100000, typicalLatencyMs: 100,
      quality: { general: 0.9 } }
`;

describe("per-tenant limits", () => {
  let stack: TestStack;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-tenants-"));
    writeFileSync(join(dir, "switchyard.yaml"), CONFIG);
    stack = await startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "switchyard.yaml") });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (tenant: string, extra: Record<string, unknown> = {}) =>
    stack.api.post("/v1/requests", { tenant, messages: [{ role: "user", content: "Say hi." }], ...extra });

  it("answers 429 with retry-after once a tenant's requests per minute are spent, and only for that tenant", async () => {
    for (let n = 0; n < 3; n++) expect((await ask("acme")).status).toBe(202);
    const over = await ask("acme");
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ type: "rate_limit_error", code: "tenant_rate_limited" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Others are not affected.
    expect((await ask("globex")).status).toBe(202);
  });

  it("charges tokens: a request larger than the tenant's whole budget is refused outright, smaller ones until it is spent", async () => {
    const huge = await ask("tiny", { max_tokens: 500 });
    expect(huge.status).toBe(429);
    expect(huge.body.error.code).toBe("tenant_token_budget_exceeded");
    expect(huge.headers.get("retry-after")).toBeNull();
    expect((await ask("tiny", { max_tokens: 120 })).status).toBe(202);
    const second = await ask("tiny", { max_tokens: 120 });
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe("tenant_rate_limited");
  });
});
