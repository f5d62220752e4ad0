import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

// Bad input gets a clear 4xx in the OpenAI error shape, never a 500, and the server keeps serving.
describe("bad input", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const cases: Array<{ name: string; body: unknown; headers?: Record<string, string>; status: number; param?: string }> = [
    { name: "malformed JSON", body: '{"messages": [', status: 400 },
    { name: "empty body", body: "", status: 400 },
    { name: "JSON that is not an object", body: "[1,2,3]", status: 400 },
    { name: "missing messages", body: { model: "auto" }, status: 400, param: "messages" },
    { name: "empty messages", body: { messages: [] }, status: 400, param: "messages" },
    { name: "wrong role", body: { messages: [{ role: "wizard", content: "hi" }] }, status: 400, param: "messages.0.role" },
    { name: "content of the wrong type", body: { messages: [{ role: "user", content: 42 }] }, status: 400, param: "messages.0.content" },
    { name: "temperature out of range", body: { messages: [{ role: "user", content: "hi" }], temperature: 7 }, status: 400, param: "temperature" },
    { name: "max_tokens not an integer", body: { messages: [{ role: "user", content: "hi" }], max_tokens: "many" }, status: 400, param: "max_tokens" },
    { name: "unknown top-level field", body: { messages: [{ role: "user", content: "hi" }], temprature: 1 }, status: 400, param: "temprature" },
    { name: "unknown constraint", body: { messages: [{ role: "user", content: "hi" }], constraints: { maxCost: 1 } }, status: 400, param: "constraints.maxCost" },
    { name: "bad urgency", body: { messages: [{ role: "user", content: "hi" }], metadata: { urgency: "yesterday" } }, status: 400, param: "metadata.urgency" },
    { name: "bad tenant", body: { messages: [{ role: "user", content: "hi" }], tenant: "a b/c" }, status: 400, param: "tenant" },
    { name: "wrong content type", body: "messages=hi", headers: { "content-type": "text/plain" }, status: 415 },
    { name: "oversized body", body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(1_100_000) }] }), status: 413 },
  ];

  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.status}`, async () => {
      const response = await stack.api.post("/v1/requests", testCase.body, testCase.headers);
      expect(response.status).toBe(testCase.status);
      expect(response.body.error).toEqual({
        message: expect.any(String),
        type: expect.any(String),
        code: expect.anything(),
        param: testCase.param ?? expect.toSatisfy((value: unknown) => value === null || typeof value === "string"),
      });
    });
  }

  it("keeps serving after all of that", async () => {
    const submitted = await stack.api.post("/v1/requests", { messages: [{ role: "user", content: "still there?" }] });
    expect(submitted.status).toBe(202);
    const record = (await stack.api.get(`/v1/requests/${submitted.body.id}?wait=20`)).body;
    expect(record.status).toBe("succeeded");
    expect(stack.processes.api.output()).not.toMatch(/unhandled API error/);
  });

  it("unknown routes answer 404 in the same shape", async () => {
    const response = await stack.api.get("/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.body.error.type).toBe("not_found_error");
  });
});
