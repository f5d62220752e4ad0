import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { request as httpRequest } from "node:http";
import { z } from "zod";
import { startProviderSim, type ProviderSim } from "./start-provider-sim.js";

/** OpenAI's chat.completion object, as its API reference documents it. */
const chatCompletionSchema = z.object({
  id: z.string().regex(/^chatcmpl-/),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal("assistant"), content: z.string(), refusal: z.null() }),
        logprobs: z.null(),
        finish_reason: z.enum(["stop", "length"]),
      }),
    )
    .min(1),
  usage: z.object({
    prompt_tokens: z.number().int().positive(),
    completion_tokens: z.number().int().positive(),
    total_tokens: z.number().int().positive(),
    prompt_tokens_details: z.object({ cached_tokens: z.literal(0) }),
    completion_tokens_details: z.object({ reasoning_tokens: z.literal(0) }),
  }),
  system_fingerprint: z.string(),
});

const errorBodySchema = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
});

const chatBody = {
  model: "gpt-4.1",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Explain exponential backoff for retries in distributed queues" },
  ],
};

let sim: ProviderSim;

beforeAll(async () => {
  sim = await startProviderSim({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function send(method: string, path: string, body?: unknown) {
  return fetch(`${sim.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

describe("POST /v1/chat/completions", () => {
  it("answers in OpenAI's chat.completion shape", async () => {
    const response = await post("/v1/chat/completions", chatBody);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get("x-ratelimit-remaining-requests")).toMatch(/^\d+$/);
    const completion = chatCompletionSchema.parse(await response.json());
    expect(completion.model).toBe("gpt-4.1");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const usage = completion.usage;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it("gives the same content for the same model and last user message", async () => {
    const first = chatCompletionSchema.parse(await (await post("/v1/chat/completions", chatBody)).json());
    const second = chatCompletionSchema.parse(await (await post("/v1/chat/completions", chatBody)).json());
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(second.id).not.toBe(first.id);
  });

  it("respects max_tokens with finish_reason length", async () => {
    const response = await post("/v1/chat/completions", { ...chatBody, max_tokens: 7 });
    const completion = chatCompletionSchema.parse(await response.json());
    expect(completion.usage.completion_tokens).toBe(7);
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });

  it("answers n choices", async () => {
    const completion = chatCompletionSchema.parse(await (await post("/v1/chat/completions", { ...chatBody, n: 2 })).json());
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
  });

  it.each([
    [{ model: "gpt-4.1" }, "messages", "missing_required_parameter"],
    [{ messages: chatBody.messages }, "model", "missing_required_parameter"],
    [{ ...chatBody, messages: [] }, "messages", "invalid_value"],
    [{ ...chatBody, max_tokens: "ten" }, "max_tokens", "invalid_type"],
    [{ ...chatBody, messages: [{ role: "wizard", content: "hi" }] }, "messages[0].role", "invalid_value"],
    [[1, 2], null, "invalid_type"],
  ])("rejects bad input %j with an OpenAI 400", async (body, param, code) => {
    const response = await post("/v1/chat/completions", body);
    expect(response.status).toBe(400);
    const { error } = errorBodySchema.parse(await response.json());
    expect(error).toMatchObject({ type: "invalid_request_error", param, code });
  });

  it("rejects malformed JSON with a 400 and keeps serving", async () => {
    const response = await post("/v1/chat/completions", "{not json");
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.type).toBe("invalid_request_error");
    expect((await post("/v1/chat/completions", chatBody)).status).toBe(200);
  });

  it("rejects bodies over the limit with a 413", async () => {
    const small = await startProviderSim({ bodyLimitBytes: 1_000 });
    try {
      const response = await fetch(`${small.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...chatBody, padding: "x".repeat(5_000) }),
      });
      expect(response.status).toBe(413);
      expect(errorBodySchema.parse(await response.json()).error.code).toBe("request_too_large");
    } finally {
      await small.close();
    }
  });

  it("rejects an oversized chunked body (no content-length) with a 413", async () => {
    const small = await startProviderSim({ bodyLimitBytes: 1_000 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const outgoing = httpRequest(`${small.url}/v1/chat/completions`, { method: "POST" }, (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        });
        outgoing.on("error", reject);
        for (let index = 0; index < 10; index++) outgoing.write("x".repeat(500));
        outgoing.end();
      });
      expect(status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it("streams server-sent chat.completion.chunk events ending in [DONE]", async () => {
    const response = await post("/v1/chat/completions", { ...chatBody, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const frames = (await response.text()).split("\n\n").filter((frame) => frame !== "");
    expect(frames.every((frame) => frame.startsWith("data: "))).toBe(true);
    expect(frames.at(-1)).toBe("data: [DONE]");
    const first = JSON.parse(frames[0]?.slice("data: ".length) ?? "null") as { object: string; choices: { delta: object }[] };
    expect(first.object).toBe("chat.completion.chunk");
    expect(first.choices[0]?.delta).toEqual({ role: "assistant", content: "", refusal: null });
  });

  it("answers unknown routes and methods with OpenAI-shaped errors", async () => {
    const notFound = await post("/v1/completions", chatBody);
    expect(notFound.status).toBe(404);
    errorBodySchema.parse(await notFound.json());
    const wrongMethod = await send("GET", "/v1/chat/completions");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });
});

describe("error injection", () => {
  it("answers 429 with OpenAI's rate-limit body and retry-after headers", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, retryAfterMs: 1_500 });
    const response = await post("/v1/chat/completions", chatBody);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("retry-after-ms")).toBe("1500");
    expect(errorBodySchema.parse(await response.json()).error).toMatchObject({ code: "rate_limit_exceeded", type: "requests" });
  });

  it("answers 500 with server_error", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 500 });
    const response = await post("/v1/chat/completions", chatBody);
    expect(response.status).toBe(500);
    expect(errorBodySchema.parse(await response.json()).error).toMatchObject({ type: "server_error", code: null });
  });

  it("answers 503 with the overloaded body", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 503 });
    const response = await post("/v1/chat/completions", chatBody);
    expect(response.status).toBe(503);
    const { error } = errorBodySchema.parse(await response.json());
    expect(error.type).toBe("server_error");
    expect(error.message).toMatch(/overloaded/);
  });

  it("applies per-model overrides only to that model", async () => {
    sim.setConfig({ models: { "broken-model": { errorRate: 1, errorStatus: 503 } } });
    expect((await post("/v1/chat/completions", { ...chatBody, model: "broken-model" })).status).toBe(503);
    expect((await post("/v1/chat/completions", chatBody)).status).toBe(200);
  });

  it("injects roughly errorRate of the time, reproducibly with a seed", async () => {
    const statuses = async () => {
      sim.setConfig({ errorRate: 0.5, errorStatus: 500, seed: 99 });
      const result: number[] = [];
      for (let index = 0; index < 40; index++) result.push((await post("/v1/chat/completions", chatBody)).status);
      return result;
    };
    const first = await statuses();
    sim.setConfig({});
    const second = await statuses();
    expect(second).toEqual(first);
    const errors = first.filter((status) => status === 500).length;
    expect(errors).toBeGreaterThan(5);
    expect(errors).toBeLessThan(35);
  });
});

describe("latency", () => {
  it("waits at least the fixed latency", async () => {
    sim.setConfig({ latency: { kind: "fixed", ms: 50 } });
    const startedAt = performance.now();
    const response = await post("/v1/chat/completions", chatBody);
    await response.arrayBuffer();
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(45);
    expect(response.headers.get("openai-processing-ms")).toBe("50");
  });

  it("records a client that gives up during the latency as 499", async () => {
    sim.setConfig({ latency: { kind: "fixed", ms: 5_000 } });
    await expect(
      fetch(`${sim.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify(chatBody),
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow();
    await expect.poll(() => sim.stats().byStatus["499"]).toBe(1);
  });
});

describe("authentication and models", () => {
  it("requires the configured key when one is set", async () => {
    sim.setConfig({ requireApiKey: "sk-sim-test" });
    const missing = await post("/v1/chat/completions", chatBody);
    expect(missing.status).toBe(401);
    expect(errorBodySchema.parse(await missing.json()).error.code).toBeNull();
    const wrong = await post("/v1/chat/completions", chatBody, { authorization: "Bearer sk-wrong" });
    expect(wrong.status).toBe(401);
    expect(errorBodySchema.parse(await wrong.json()).error.code).toBe("invalid_api_key");
    const right = await post("/v1/chat/completions", chatBody, { authorization: "Bearer sk-sim-test" });
    expect(right.status).toBe(200);
  });

  it("answers 404 model_not_found only when an allowlist is set", async () => {
    expect((await post("/v1/chat/completions", { ...chatBody, model: "made-up" })).status).toBe(200);
    sim.setConfig({ allowedModels: ["gpt-4.1"] });
    const response = await post("/v1/chat/completions", { ...chatBody, model: "made-up" });
    expect(response.status).toBe(404);
    expect(errorBodySchema.parse(await response.json()).error.code).toBe("model_not_found");
  });

  it("lists models in OpenAI's list shape", async () => {
    sim.setConfig({ allowedModels: ["gpt-4.1", "gpt-4.1-mini"] });
    const response = await fetch(`${sim.url}/v1/models`);
    expect(await response.json()).toEqual({
      object: "list",
      data: [
        { id: "gpt-4.1", object: "model", created: expect.any(Number), owned_by: "provider-sim" },
        { id: "gpt-4.1-mini", object: "model", created: expect.any(Number), owned_by: "provider-sim" },
      ],
    });
  });

  it("answers /healthz", async () => {
    const response = await fetch(`${sim.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("control API", () => {
  it("round-trips the config through GET, PUT and PATCH", async () => {
    const put = await send("PUT", "/_sim/config", { errorRate: 0.25, errorStatus: 503 });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ errorRate: 0.25, errorStatus: 503, latency: { kind: "fixed", ms: 0 } });

    const patch = await send("PATCH", "/_sim/config", { latency: { kind: "uniform", minMs: 1, maxMs: 2 } });
    expect(patch.status).toBe(200);
    const current = await (await send("GET", "/_sim/config")).json();
    expect(current).toMatchObject({ errorRate: 0.25, errorStatus: 503, latency: { kind: "uniform", minMs: 1, maxMs: 2 } });
    expect(sim.config()).toEqual(current);
  });

  it.each([
    ["PUT", { errorRate: 2 }, "errorRate"],
    ["PUT", { latency: { kind: "fixed" } }, "latency.ms"],
    ["PATCH", { errorStatus: 418 }, "errorStatus"],
    ["PUT", "{nope", null],
  ])("rejects %s %j with a 400 and keeps the config", async (method, body, param) => {
    const before = sim.config();
    const response = await send(method, "/_sim/config", body);
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.param).toBe(param);
    expect(sim.config()).toEqual(before);
  });

  it("counts requests per model and per status, and resets", async () => {
    await post("/v1/chat/completions", chatBody);
    await post("/v1/chat/completions", { ...chatBody, model: "gpt-4.1-mini" });
    sim.setConfig({ errorRate: 1, errorStatus: 429 });
    await post("/v1/chat/completions", chatBody);
    await post("/v1/chat/completions", "{");

    const stats = await (await send("GET", "/_sim/stats")).json();
    expect(stats).toMatchObject({
      totalRequests: 4,
      byStatus: { "200": 2, "429": 1, "400": 1 },
      byModel: {
        "gpt-4.1": { requests: 2, byStatus: { "200": 1, "429": 1 } },
        "gpt-4.1-mini": { requests: 1, byStatus: { "200": 1 } },
      },
    });

    const reset = await send("POST", "/_sim/reset");
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ config: { errorRate: 0 }, stats: { totalRequests: 0 } });
    expect((await post("/v1/chat/completions", chatBody)).status).toBe(200);
  });

  it("answers unknown control routes and methods", async () => {
    expect((await send("GET", "/_sim/nope")).status).toBe(404);
    expect((await send("DELETE", "/_sim/config")).status).toBe(405);
  });
});

describe("close", () => {
  it("returns promptly even with answers waiting out a long latency", async () => {
    const slow = await startProviderSim({ config: { latency: { kind: "fixed", ms: 60_000 } } });
    const pending = fetch(`${slow.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chatBody) }).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the request arrive and start waiting
    const startedAt = performance.now();
    await slow.close();
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
