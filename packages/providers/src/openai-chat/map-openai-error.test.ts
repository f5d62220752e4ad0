import { describe, expect, it } from "vitest";
import { classifyOpenAiError, mapOpenAiError } from "./map-openai-error.js";

const context = { provider: "openai", deploymentId: "openai-gpt-4-1" };

describe("classifyOpenAiError", () => {
  it.each([
    [429, { code: "rate_limit_exceeded", type: "requests" }, "rate_limited"],
    [429, {}, "rate_limited"],
    [429, { code: "insufficient_quota" }, "quota_exhausted"],
    [429, { type: "insufficient_quota" }, "quota_exhausted"],
    [402, {}, "quota_exhausted"],
    [401, { code: "invalid_api_key" }, "auth"],
    [403, { code: "unsupported_country_region_territory" }, "auth"],
    [400, { code: "context_length_exceeded" }, "context_length"],
    [400, { code: "content_filter" }, "content_filtered"],
    [400, { code: "content_policy_violation" }, "content_filtered"],
    [400, { code: "invalid_prompt", type: "invalid_request_error" }, "content_filtered"],
    [400, { code: "invalid_value" }, "bad_request"],
    [422, {}, "bad_request"],
    [413, {}, "bad_request"],
    [404, { code: "model_not_found" }, "not_found"],
    [408, {}, "timeout"],
    [500, { type: "server_error" }, "server"],
    [502, {}, "server"],
    [504, {}, "server"],
    [503, {}, "overloaded"],
    [529, {}, "overloaded"],
    [302, {}, "invalid_response"],
  ] as const)("%i %j → %s", (status, fields, kind) => {
    expect(classifyOpenAiError(status, fields)).toBe(kind);
  });
});

describe("mapOpenAiError", () => {
  it("reads retry-after-ms before retry-after", () => {
    const error = mapOpenAiError(
      { status: 429, headers: { "retry-after-ms": "1234.5", "retry-after": "9" }, bodyText: "" },
      context,
    );
    expect(error.data).toMatchObject({ kind: "rate_limited", retryAfterMs: 1235, httpStatus: 429 });
    expect(error.data.bodyExcerpt).toBeUndefined();
  });

  it("copes with bodies that are not OpenAI's shape", () => {
    expect(mapOpenAiError({ status: 400, headers: {}, bodyText: "<html>nope</html>" }, context).data).toMatchObject({
      kind: "bad_request",
      bodyExcerpt: "<html>nope</html>",
    });
    // Ollama and some proxies send the error as a plain string.
    expect(mapOpenAiError({ status: 404, headers: {}, bodyText: '{"error":"model \\"x\\" not found"}' }, context).kind).toBe(
      "not_found",
    );
    // A numeric code (some gateways) is read as a string.
    expect(
      mapOpenAiError({ status: 400, headers: {}, bodyText: '{"error":{"code":400,"message":"bad"}}' }, context).kind,
    ).toBe("bad_request");
  });

  it("names the provider and the code in its message", () => {
    const error = mapOpenAiError(
      { status: 429, headers: {}, bodyText: '{"error":{"message":"Slow down","type":"requests","code":"rate_limit_exceeded"}}' },
      context,
    );
    expect(error.message).toBe("openai answered 429 (rate_limit_exceeded: Slow down)");
    expect(error.data.deploymentId).toBe("openai-gpt-4-1");
  });

  it("attaches the rate-limit budget the headers report", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    const error = mapOpenAiError(
      {
        status: 429,
        headers: { "retry-after": "2", "x-ratelimit-limit-tokens": "30000", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "2.03s" },
        bodyText: '{"error":{"code":"rate_limit_exceeded"}}',
      },
      context,
      now,
    );
    expect(error.data.rateLimit).toEqual({
      observedAtMs: now,
      tokens: { limit: 30000, remaining: 0, resetAtMs: now + 2030 },
      retryAfterMs: 2000,
    });
    expect(mapOpenAiError({ status: 500, headers: {}, bodyText: "" }, context).data).not.toHaveProperty("rateLimit");
  });
});
