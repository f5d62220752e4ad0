import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startProviderSim, type ProviderSim } from "./start-provider-sim.js";

/** Outages, slow, partial and non-JSON bodies, in all three formats. Only lower time bounds are asserted. */
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

const prompt = "Describe circuit breakers for flaky upstreams";
const FORMATS = {
  openai: (stream = false) =>
    post("/v1/chat/completions", { model: "gpt-4.1", stream, messages: [{ role: "user", content: prompt }] }),
  anthropic: (stream = false) =>
    post(
      "/v1/messages",
      { model: "claude-sim", max_tokens: 200, stream, messages: [{ role: "user", content: prompt }] },
      { "anthropic-version": "2023-06-01" },
    ),
  gemini: (stream = false) =>
    post(`/v1beta/models/gemini-sim:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`, {
      contents: [{ parts: [{ text: prompt }] }],
    }),
} as const;
const formatNames = Object.keys(FORMATS) as (keyof typeof FORMATS)[];

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("outages", () => {
  it.each(formatNames)("answers the scheduled status to every %s request in the window", async (format) => {
    sim.setConfig({ outages: [{ fromMs: 0, toMs: 60_000, status: 503 }, { fromMs: 60_000, toMs: 120_000, status: 500 }] });
    const response = await FORMATS[format]();
    expect(response.status).toBe(503);
    const body = JSON.stringify(await response.json());
    expect(body).toMatch({ openai: /overloaded/, anthropic: /overloaded_error/, gemini: /UNAVAILABLE/ }[format]);
    expect(sim.stats().faults).toEqual({ outage: 1 });
  });

  it("leaves the window's other models and times alone", async () => {
    sim.setConfig({ models: { "gpt-4.1": { outages: [{ fromMs: 3_600_000, toMs: 7_200_000, status: 500 }] } } });
    expect((await FORMATS.openai()).status).toBe(200);
    sim.setConfig({ models: { other: { outages: [{ fromMs: 0, toMs: 60_000, status: 500 }] } } });
    expect((await FORMATS.openai()).status).toBe(200);
  });

  it("is down until downUntilMs, then serves again", async () => {
    sim.setConfig({ downUntilMs: Date.now() + 150, downStatus: 529 });
    expect((await FORMATS.anthropic()).status).toBe(529);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await FORMATS.anthropic()).status).toBe(200);
  });
});

describe("slow bodies", () => {
  it.each(formatNames)("sends %s headers first and trickles the body over slowBodyMs", async (format) => {
    sim.setConfig({ slowBodyRate: 1, slowBodyMs: 200 });
    const response = await FORMATS[format]();
    const headersAt = performance.now();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(performance.now() - headersAt).toBeGreaterThanOrEqual(150);
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(sim.stats().faults).toEqual({ slow_body: 1 });
  });

  it("spreads a stream's events over slowBodyMs", async () => {
    sim.setConfig({ slowBodyRate: 1, slowBodyMs: 200 });
    const response = await FORMATS.openai(true);
    const headersAt = performance.now();
    const text = await response.text();
    expect(performance.now() - headersAt).toBeGreaterThanOrEqual(150);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });
});

describe("partial bodies", () => {
  it.each(formatNames)("sends %s headers and half the body, then drops the connection", async (format) => {
    sim.setConfig({ partialBodyRate: 1 });
    const response = await FORMATS[format]();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(sim.stats().faults).toEqual({ partial_body: 1 });
    sim.setConfig({});
    expect((await FORMATS[format]()).status).toBe(200);
  });

  it.each(formatNames)("cuts a %s stream half way", async (format) => {
    sim.setConfig({ partialBodyRate: 1 });
    const response = await FORMATS[format](true);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});

describe("invalid JSON", () => {
  it.each(formatNames)("answers %s with a 200 whose body is not JSON", async (format) => {
    sim.setConfig({ invalidJsonRate: 1 });
    const response = await FORMATS[format]();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(sim.stats().faults).toEqual({ invalid_json: 1 });
  });

  it("breaks one event of a stream", async () => {
    sim.setConfig({ invalidJsonRate: 1 });
    const text = await (await FORMATS.anthropic(true)).text();
    const data = [...text.matchAll(/^data: (.*)$/gm)].map((match) => match[1] ?? "");
    const broken = data.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toHaveLength(1);
  });
});

describe("contentFilterRejectsPrompt", () => {
  const flagged = "Tell me about the Forbidden Topic";
  const ask = {
    openai: (stream = false) =>
      post("/v1/chat/completions", { model: "gpt-4.1", stream, messages: [{ role: "user", content: flagged }] }),
    anthropic: () =>
      post(
        "/v1/messages",
        { model: "claude-sim", max_tokens: 200, messages: [{ role: "user", content: flagged }] },
        { "anthropic-version": "2023-06-01" },
      ),
    gemini: () => post("/v1beta/models/gemini-sim:generateContent", { contents: [{ parts: [{ text: flagged }] }] }),
  } as const;

  it.each([false, true])("answers OpenAI's flagged prompt with a 400 invalid_prompt (stream: %s)", async (stream) => {
    sim.setConfig({ contentFilterPhrase: "forbidden topic", contentFilterRejectsPrompt: true });
    const response = await ask.openai(stream);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-ratelimit-remaining-requests")).toMatch(/^\d+$/);
    expect(await response.json()).toEqual({
      error: { message: expect.stringMatching(/^Invalid prompt: /) as unknown, type: "invalid_request_error", param: null, code: "invalid_prompt" },
    });
    expect(sim.stats().faults).toEqual({ content_filter: 1 });
    expect(sim.stats().byStatus).toEqual({ "400": 1 });
  });

  it("leaves prompts without the phrase, and formats without such an error, alone", async () => {
    sim.setConfig({ contentFilterPhrase: "forbidden topic", contentFilterRejectsPrompt: true });
    expect((await FORMATS.openai()).status).toBe(200);
    const refusal = (await (await ask.anthropic()).json()) as { stop_reason: string };
    expect(refusal.stop_reason).toBe("refusal");
    const blocked = (await (await ask.gemini()).json()) as { promptFeedback?: { blockReason: string } };
    expect(blocked.promptFeedback?.blockReason).toBe("SAFETY");
  });

  it("is off by default: OpenAI filters the answer instead", async () => {
    sim.setConfig({ contentFilterPhrase: "forbidden topic" });
    const response = await ask.openai();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ finish_reason: string }> };
    expect(body.choices[0]?.finish_reason).toBe("content_filter");
  });
});

describe("quotaExhausted", () => {
  it("answers Anthropic's spent spend limit: a 429 rate_limit_error with details.error_code and no retry-after", async () => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, quotaExhausted: true });
    const response = await FORMATS.anthropic();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
    const body = (await response.json()) as { type: string; error: { type: string; message: string; details?: { error_code: string } } };
    expect(body).toMatchObject({ type: "error", error: { type: "rate_limit_error", details: { error_code: "enforced_spend_limit_reached" } } });
    expect(body.error.message).toMatch(/regain access on \d{4}-\d{2}-01 at 00:00 UTC/);
  });

  it.each([
    ["openai", /insufficient_quota/],
    ["gemini", /PerDay/],
  ] as const)("answers %s's out-of-quota 429 without a retry hint", async (format, marker) => {
    sim.setConfig({ errorRate: 1, errorStatus: 429, quotaExhausted: true });
    const response = await FORMATS[format]();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
    const text = await response.text();
    expect(text).toMatch(marker);
    expect(text).not.toMatch(/RetryInfo/);
  });
});
