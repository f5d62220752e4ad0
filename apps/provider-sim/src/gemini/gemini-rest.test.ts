import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startProviderSim, type ProviderSim } from "../start-provider-sim.js";

/** The Gemini API's documented REST shapes, checked with plain `fetch` (no official Node client is installed). */
let sim: ProviderSim;

beforeAll(async () => {
  sim = await startProviderSim();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

const MODEL = "gemini-2.5-flash";
const body = {
  systemInstruction: { parts: [{ text: "You are terse." }] },
  contents: [{ role: "user", parts: [{ text: "Explain consistent hashing for cache sharding" }] }],
};

const candidateSchema = z.object({
  content: z.object({ role: z.literal("model"), parts: z.array(z.record(z.string(), z.unknown())).min(1) }),
  finishReason: z.enum(["STOP", "MAX_TOKENS"]),
  index: z.number().int(),
  safetyRatings: z.array(z.object({ category: z.string(), probability: z.string() })).min(1),
});
const responseSchema = z.object({
  candidates: z.array(candidateSchema).min(1),
  usageMetadata: z.object({
    promptTokenCount: z.number().int().positive(),
    candidatesTokenCount: z.number().int().positive(),
    totalTokenCount: z.number().int().positive(),
  }),
  modelVersion: z.string(),
  responseId: z.string().min(1),
});
const errorSchema = z.object({
  error: z.object({ code: z.number().int(), message: z.string(), status: z.string(), details: z.array(z.unknown()).optional() }),
});

function generate(payload: unknown, options: { method?: string; query?: string; headers?: Record<string, string>; model?: string } = {}) {
  const method = options.method ?? "generateContent";
  return fetch(`${sim.url}/v1beta/models/${options.model ?? MODEL}:${method}${options.query ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify(payload),
  });
}

function textOf(response: z.infer<typeof responseSchema>): string {
  return response.candidates[0]?.content.parts.map((part) => String(part.text ?? "")).join("") ?? "";
}

describe("Gemini generateContent", () => {
  it("answers a GenerateContentResponse", async () => {
    const response = await generate(body);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    const parsed = responseSchema.parse(await response.json());
    expect(parsed.modelVersion).toBe(MODEL);
    expect(parsed.candidates[0]).toMatchObject({ finishReason: "STOP", index: 0 });
    expect(textOf(parsed)).toMatch(/consistent|hashing|cache/);
    const usage = parsed.usageMetadata;
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + usage.candidatesTokenCount);
  });

  it("honours maxOutputTokens, candidateCount and snake_case keys", async () => {
    const response = responseSchema.parse(
      await (await generate({ ...body, generation_config: { max_output_tokens: 3, candidate_count: 2 } })).json(),
    );
    expect(response.candidates.map((candidate) => [candidate.index, candidate.finishReason])).toEqual([
      [0, "MAX_TOKENS"],
      [1, "MAX_TOKENS"],
    ]);
    expect(response.usageMetadata.candidatesTokenCount).toBe(6);
  });

  it("streams SSE chunks that reassemble into the same text, the last with finishReason and usage", async () => {
    const whole = responseSchema.parse(await (await generate(body)).json());
    const response = await generate(body, { method: "streamGenerateContent", query: "?alt=sse" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const raw = await response.text();
    const frames = raw.split("\r\n\r\n").filter((frame) => frame !== "");
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.every((frame) => frame.startsWith("data: "))).toBe(true);
    const chunks = frames.map((frame) => JSON.parse(frame.slice("data: ".length)) as z.input<typeof responseSchema>);
    const text = chunks.map((chunk) => chunk.candidates.map((candidate) => candidate.content.parts.map((part) => part.text).join("")).join("")).join("");
    expect(text).toBe(textOf(whole));
    const last = responseSchema.parse(chunks.at(-1));
    expect(last.candidates[0]?.finishReason).toBe("STOP");
    expect(last.usageMetadata).toMatchObject(whole.usageMetadata);
    expect(chunks[0]?.candidates[0]).not.toHaveProperty("finishReason");
  });

  it("streams a JSON array without alt=sse", async () => {
    const response = await generate(body, { method: "streamGenerateContent" });
    const chunks = z.array(z.object({ candidates: z.array(z.unknown()) })).parse(await response.json());
    expect(chunks.length).toBeGreaterThan(1);
  });

  it("answers a functionCall part when the user names a declared function", async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Current weather",
            parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] },
          },
        ],
      },
    ];
    const response = responseSchema.parse(
      await (await generate({ contents: [{ role: "user", parts: [{ text: "get_weather in Oslo" }] }], tools })).json(),
    );
    expect(response.candidates[0]?.content.parts).toEqual([{ functionCall: { name: "get_weather", args: { city: "San Francisco, CA" } } }]);
    const afterResult = responseSchema.parse(
      await (
        await generate({
          contents: [
            { role: "user", parts: [{ text: "get_weather in Oslo" }] },
            { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } } }] },
            { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { celsius: 4 } } }] },
          ],
          tools,
        })
      ).json(),
    );
    expect(afterResult.candidates[0]?.content.parts[0]).toHaveProperty("text");
  });

  it("blocks a filtered prompt with promptFeedback SAFETY and no candidates", async () => {
    sim.setConfig({ contentFilterPhrase: "forbidden topic" });
    const response = await generate({ contents: [{ parts: [{ text: "the forbidden topic" }] }] });
    expect(response.status).toBe(200);
    const json = (await response.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: expect.any(Number) } });
    expect(json).not.toHaveProperty("candidates");
  });
});

describe("Gemini errors", () => {
  it("answers 429 RESOURCE_EXHAUSTED with RetryInfo, injected or from the rpm limit", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, retryAfterMs: 46_000 });
    const injected = errorSchema.parse(await (await generate(body)).json());
    expect(injected.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(injected.error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "46s" });

    sim.reset(); // the injected 429 was admitted, so it counted against this minute's requests
    sim.setConfig({ rpm: 1 });
    expect((await generate(body)).status).toBe(200);
    const limited = await generate(body);
    expect(limited.status).toBe(429);
    const { error } = errorSchema.parse(await limited.json());
    expect(error.status).toBe("RESOURCE_EXHAUSTED");
    expect(error.details).toContainEqual(
      expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: expect.stringMatching(/^\d+s$/) }),
    );
    expect(error.details).toContainEqual(expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.QuotaFailure" }));
  });

  it("authenticates by x-goog-api-key or ?key=", async () => {
    sim.setConfig({ requireApiKey: "AIza-sim" });
    expect((await generate(body, { headers: { "x-goog-api-key": "AIza-sim" } })).status).toBe(200);
    expect((await generate(body, { query: "?key=AIza-sim" })).status).toBe(200);
    const missing = errorSchema.parse(await (await generate(body)).json());
    expect(missing.error).toMatchObject({ code: 403, status: "PERMISSION_DENIED" });
    const wrong = errorSchema.parse(await (await generate(body, { query: "?key=nope" })).json());
    expect(wrong.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(wrong.error.details).toContainEqual(expect.objectContaining({ reason: "API_KEY_INVALID" }));
  });

  it.each([
    [400, "INVALID_ARGUMENT"],
    [403, "PERMISSION_DENIED"],
    [500, "INTERNAL"],
    [503, "UNAVAILABLE"],
    [504, "DEADLINE_EXCEEDED"],
  ] as const)("injects %i as %s", async (errorStatus, status) => {
    sim.setConfig({ errorRate: 1, errorStatus });
    const response = await generate(body);
    expect(response.status).toBe(errorStatus);
    expect(errorSchema.parse(await response.json()).error).toMatchObject({ code: errorStatus, status });
  });

  it.each([
    [{}, "contents is not specified"],
    [{ ...body, surprise: true }, 'Unknown name "surprise"'],
    [{ contents: [{ role: "robot", parts: [{ text: "hi" }] }] }, "Please use a valid role: user, model."],
    [{ ...body, generationConfig: { maxOutputTokens: "ten" } }, "Invalid value at 'generation_config.max_output_tokens'"],
  ])("rejects %j with INVALID_ARGUMENT", async (payload, message) => {
    const response = await generate(payload);
    expect(response.status).toBe(400);
    const { error } = errorSchema.parse(await response.json());
    expect(error.status).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain(message);
  });

  it("answers an over-long prompt with INVALID_ARGUMENT", async () => {
    sim.setConfig({ models: { [MODEL]: { contextWindowTokens: 5 } } });
    const { error } = errorSchema.parse(await (await generate(body)).json());
    expect(error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(error.message).toMatch(/exceeds the maximum number of tokens allowed \(5\)/);
  });

  it("answers unknown methods and disallowed models with NOT_FOUND", async () => {
    expect((await generate(body, { method: "embedContent" })).status).toBe(404);
    sim.setConfig({ allowedModels: ["gemini-2.0-flash"] });
    const { error } = errorSchema.parse(await (await generate(body)).json());
    expect(error).toMatchObject({ code: 404, status: "NOT_FOUND" });
  });
});
