import { request as httpRequest } from "node:http";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../support/api-client.js";
import { startStack, type TestStack } from "../support/stack.js";

const errorShape = {
  error: { message: expect.any(String), type: expect.any(String), code: expect.any(String), param: expect.toSatisfy((value: unknown) => value === null || typeof value === "string") },
};

// Idempotency-Key on POST /v1/requests: one request per (tenant, key, body), whatever the retries and races.
describe("Idempotency-Key", () => {
  let stack: TestStack;
  let tenantA: ApiClient;
  let tenantB: ApiClient;
  const tenantNameA = `idem-a-${randomUUID().slice(0, 8)}`;

  async function tenantClient(tenant: string): Promise<ApiClient> {
    const created = await stack.api.post("/v1/admin/keys", { tenant, scopes: ["submit", "read"] });
    expect(created.status).toBe(201);
    return new ApiClient(stack.apiUrl, created.body.key);
  }

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    tenantA = await tenantClient(tenantNameA);
    tenantB = await tenantClient(`idem-b-${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const body = (text: string) => ({ messages: [{ role: "user", content: text }], metadata: { urgency: "normal", order: "42" } });

  it("answers a retry with the same key and body with the original 202, marked replayed", async () => {
    const key = randomUUID();
    const first = await tenantA.post("/v1/requests", body("retry me"), { "idempotency-key": key });
    expect(first.status).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // Same body with its keys in another order and other spacing: still the same request.
    const reordered = `{ "metadata": {"order": "42", "urgency": "normal"},\n "messages": [{"content": "retry me", "role": "user"}] }`;
    const second = await tenantA.post("/v1/requests", reordered, { "idempotency-key": key });
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
  });

  it("refuses the same key with a different body: 422 idempotency_key_reused", async () => {
    const key = randomUUID();
    expect((await tenantA.post("/v1/requests", body("one"), { "idempotency-key": key })).status).toBe(202);
    const reused = await tenantA.post("/v1/requests", body("two"), { "idempotency-key": key });
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual(errorShape);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    expect(reused.body.error.message).toMatch(/different request body/);
    // `format=openai` is the default spelled out: the same request, so the original answer.
    const spelledOut = await tenantA.post("/v1/requests?format=openai", body("one"), { "idempotency-key": key });
    expect(spelledOut.status).toBe(202);
    expect(spelledOut.headers.get("idempotent-replayed")).toBe("true");
  });

  it("creates exactly one request from many concurrent duplicates", async () => {
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => tenantA.post("/v1/requests", body("raced"), { "idempotency-key": key })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(202));
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => answer.headers.get("idempotent-replayed") === "true")).toHaveLength(11);
    // And the tenant's listing holds that one request once.
    const listed = await tenantA.get("/v1/requests?limit=100");
    expect(listed.body.data.filter((summary: { id: string }) => ids.has(summary.id))).toHaveLength(1);
  });

  it("scopes keys per tenant", async () => {
    const key = randomUUID();
    const a = await tenantA.post("/v1/requests", body("shared key"), { "idempotency-key": key });
    const b = await tenantB.post("/v1/requests", body("shared key"), { "idempotency-key": key });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
  });

  it("does not spend the key on a request that was refused", async () => {
    const key = randomUUID();
    const invalid = await tenantA.post("/v1/requests", { messages: [] }, { "idempotency-key": key });
    expect(invalid.status).toBe(400);
    const valid = await tenantA.post("/v1/requests", body("after a 400"), { "idempotency-key": key });
    expect(valid.status).toBe(202);
    expect(valid.headers.get("idempotent-replayed")).toBeNull();
  });

  it("validates the key: 1-255 printable ASCII characters, sent once", async () => {
    const tooLong = await tenantA.post("/v1/requests", body("k"), { "idempotency-key": "k".repeat(256) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual(errorShape);
    expect(tooLong.body.error.param).toBe("Idempotency-Key");
    expect((await tenantA.post("/v1/requests", body("k"), { "idempotency-key": "k".repeat(255) })).status).toBe(202);

    // Latin-1 and repeated headers need a client that sends them as given.
    const raw = (headers: [string, string][]) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const url = new URL("/v1/requests", stack.apiUrl);
        const outgoing = httpRequest(url, { method: "POST" });
        outgoing.setHeader("authorization", `Bearer ${stack.adminKey}`);
        outgoing.setHeader("content-type", "application/json");
        for (const [name, value] of headers) outgoing.appendHeader(name, value);
        outgoing.on("response", (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        });
        outgoing.on("error", reject);
        outgoing.end(JSON.stringify(body("raw")));
      });
    const latin1 = await raw([["idempotency-key", "caf\u00e9"]]);
    expect(latin1.status).toBe(400);
    expect(latin1.body.error.code).toBe("invalid_idempotency_key");
    const twice = await raw([
      ["idempotency-key", "one"],
      ["idempotency-key", "two"],
    ]);
    expect(twice.status).toBe(400);
    expect(twice.body.error.code).toBe("invalid_idempotency_key");
  });
});
