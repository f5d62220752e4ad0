import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "@switchyard/embedded-redis";
import { startStack, type TestStack } from "../support/stack.js";

// With Redis away the API must answer 503 and never claim to have accepted a request; when Redis is
// back it recovers by itself.
describe("Redis down", () => {
  let redis: EmbeddedRedis;
  let stack: TestStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "switchyard-redis-down-"));
    redis = await EmbeddedRedis.start({ dataDir, appendOnly: true });
    stack = await startStack(redis.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 while Redis is away and accepts again once it is back", async () => {
    const before = await stack.api.post("/v1/requests", { messages: [{ role: "user", content: "before" }] });
    expect(before.status).toBe(202);

    await redis.stop("SIGKILL");
    const during = await stack.api.post("/v1/requests", { messages: [{ role: "user", content: "during" }] });
    expect(during.status).toBe(503);
    expect(during.body.error.type).toBe("service_unavailable");
    expect(during.headers.get("retry-after")).toBeTruthy();
    const health = await fetch(`${stack.apiUrl}/healthz`);
    expect(health.status).toBe(503);

    await redis.startAgain();
    let after = { status: 0, body: undefined as any };
    for (let attempt = 0; attempt < 100 && after.status !== 202; attempt++) {
      after = await stack.api.post("/v1/requests", { messages: [{ role: "user", content: "after" }] });
      if (after.status !== 202) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(after.status).toBe(202);
    const record = (await stack.api.get(`/v1/requests/${after.body.id}?wait=30`)).body;
    expect(record.status).toBe("succeeded");
  });
});
