import { describe, expect, it } from "vitest";
import type { ProviderErrorKind } from "@switchyard/contracts";
import { classifyAnthropicError, mapAnthropicError, mapAnthropicStreamError } from "./map-anthropic-error.js";
import { loadFixture } from "../conformance/fixture-server.js";

const context = { provider: "anthropic", deploymentId: "claude" };
const nowMs = Date.parse("2026-11-25T12:00:00Z");

function mapFixture(name: string) {
  const recorded = loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url));
  return mapAnthropicError({ status: recorded.status, headers: recorded.headers ?? {}, bodyText: JSON.stringify(recorded.body) }, context, nowMs);
}

describe("mapAnthropicError", () => {
  it.each<[string, number, ProviderErrorKind, boolean]>([
    ["invalid-request-error-400", 400, "context_length", false],
    ["authentication-error-401", 401, "auth", false],
    ["billing-error-402", 402, "quota_exhausted", false],
    ["permission-error-403", 403, "auth", false],
    ["not-found-error-404", 404, "not_found", false],
    ["request-too-large-413", 413, "context_length", false],
    ["rate-limit-error-429", 429, "rate_limited", true],
    ["spend-limit-reached-429", 429, "quota_exhausted", false],
    ["api-error-500", 500, "server", true],
    ["timeout-error-504", 504, "timeout", true],
    ["overloaded-error-529", 529, "overloaded", true],
  ])("maps the recorded %s", (name, status, kind, retryable) => {
    const error = mapFixture(name);
    expect(error.data).toMatchObject({ kind, retryable, httpStatus: status, provider: "anthropic", deploymentId: "claude" });
    expect(error.data.bodyExcerpt).toBeDefined();
  });

  it("reads a prompt over the context window (a 400 told apart only by its message) as context_length", () => {
    expect(mapFixture("invalid-request-error-400").data).toMatchObject({ kind: "context_length", retryable: false, httpStatus: 400 });
    const other = mapAnthropicError(
      { status: 400, headers: {}, bodyText: JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "messages: field required" } }) },
      context,
      nowMs,
    );
    expect(other.kind).toBe("bad_request");
  });

  it("names the status, the error type and Anthropic's message", () => {
    expect(mapFixture("invalid-request-error-400").message).toBe(
      "anthropic answered 400 (invalid_request_error: prompt is too long: 215341 tokens > 200000 maximum)",
    );
  });

  it("reads retry-after and the anthropic-ratelimit-* budget of a 429", () => {
    const error = mapFixture("rate-limit-error-429");
    expect(error.data.retryAfterMs).toBe(17_000);
    expect(error.data.rateLimit).toEqual({
      observedAtMs: nowMs,
      retryAfterMs: 17_000,
      requests: { limit: 50, remaining: 49, resetAtMs: nowMs + 1_000 },
      inputTokens: { limit: 30_000, remaining: 0, resetAtMs: nowMs + 17_000 },
      outputTokens: { limit: 8_000, remaining: 8_000, resetAtMs: nowMs },
    });
  });

  it("classifies by status when the body is not Anthropic's (a proxy's page, an error type added later)", () => {
    const byStatus = (status: number, bodyText = "<html>upstream</html>") =>
      mapAnthropicError({ status, headers: {}, bodyText }, context, nowMs).kind;
    expect(byStatus(400)).toBe("bad_request");
    expect(byStatus(401)).toBe("auth");
    expect(byStatus(402)).toBe("quota_exhausted");
    expect(byStatus(403)).toBe("auth");
    expect(byStatus(404)).toBe("not_found");
    expect(byStatus(408)).toBe("timeout");
    expect(byStatus(409)).toBe("bad_request");
    expect(byStatus(413)).toBe("context_length");
    expect(byStatus(429)).toBe("rate_limited");
    expect(byStatus(500)).toBe("server");
    expect(byStatus(502)).toBe("server");
    expect(byStatus(503)).toBe("overloaded");
    expect(byStatus(504)).toBe("timeout");
    expect(byStatus(529)).toBe("overloaded");
    expect(byStatus(302)).toBe("invalid_response");
    expect(byStatus(500, JSON.stringify({ type: "error", error: { type: "brand_new_error", message: "x" } }))).toBe("server");
  });

  it("lets the error type decide over the status", () => {
    expect(classifyAnthropicError(500, { type: "overloaded_error" })).toBe("overloaded");
    expect(classifyAnthropicError(429, { type: "rate_limit_error", errorCode: "enforced_spend_limit_reached" })).toBe("quota_exhausted");
    expect(classifyAnthropicError(undefined, {})).toBe("server");
  });

  it("keeps only the first 500 characters of a body", () => {
    const error = mapAnthropicError({ status: 500, headers: {}, bodyText: "x".repeat(2_000) }, context, nowMs);
    expect(error.data.bodyExcerpt).toBe("x".repeat(500));
  });
});

describe("mapAnthropicStreamError", () => {
  it("maps an overloaded_error event without a status, with the stream's rate-limit headers", () => {
    const error = mapAnthropicStreamError('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', {
      ...context,
      headers: { "anthropic-ratelimit-requests-remaining": "10" },
      nowMs,
    });
    expect(error.data).toMatchObject({ kind: "overloaded", retryable: true, rateLimit: { requests: { remaining: 10 } } });
    expect(error.data.httpStatus).toBeUndefined();
    expect(error.message).toBe("anthropic sent an error inside its stream (overloaded_error: Overloaded)");
  });

  it("treats an unreadable error event as a server failure", () => {
    expect(mapAnthropicStreamError("not json", context).data).toMatchObject({ kind: "server", bodyExcerpt: "not json" });
  });
});
