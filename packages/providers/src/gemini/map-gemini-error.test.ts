import { describe, expect, it } from "vitest";
import { classifyGeminiError, mapGeminiError, mapGeminiStreamError } from "./map-gemini-error.js";
import { readGoogleErrorDetails } from "./read-google-error-details.js";
import { parseProtobufDurationMs } from "./parse-protobuf-duration.js";
import { loadFixture } from "../conformance/fixture-server.js";

const context = { provider: "gemini", deploymentId: "gemini-2-5-flash" };
const nowMs = 1_750_000_000_000;

function mapFixture(name: string) {
  const fixture = loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url));
  return mapGeminiError({ status: fixture.status, headers: fixture.headers ?? {}, bodyText: JSON.stringify(fixture.body) }, context, nowMs);
}

describe("mapGeminiError on recorded answers", () => {
  it.each([
    ["resource-exhausted-429", { kind: "rate_limited", retryable: true, retryAfterMs: 46_000, httpStatus: 429 }],
    ["daily-quota-429", { kind: "quota_exhausted", retryable: false, retryAfterMs: 29_000, httpStatus: 429 }],
    ["invalid-argument-400", { kind: "context_length", retryable: false, httpStatus: 400 }],
    ["invalid-argument-bad-parameter-400", { kind: "bad_request", retryable: false, httpStatus: 400 }],
    ["api-key-invalid-400", { kind: "auth", retryable: false, httpStatus: 400 }],
    ["permission-denied-403", { kind: "auth", retryable: false, httpStatus: 403 }],
    ["not-found-404", { kind: "not_found", retryable: false, httpStatus: 404 }],
    ["internal-500", { kind: "server", retryable: true, httpStatus: 500 }],
    ["unavailable-503", { kind: "overloaded", retryable: true, httpStatus: 503 }],
    ["deadline-exceeded-504", { kind: "timeout", retryable: true, httpStatus: 504 }],
  ] as const)("%s", (name, expected) => {
    const error = mapFixture(name);
    expect(error.data).toMatchObject({ ...expected, provider: "gemini", deploymentId: "gemini-2-5-flash" });
    expect(error.data.bodyExcerpt?.length).toBeGreaterThan(0);
    expect(error.data.bodyExcerpt!.length).toBeLessThanOrEqual(500);
  });

  it("names the status and Google's message", () => {
    expect(mapFixture("unavailable-503").message).toBe("gemini answered 503 (UNAVAILABLE: The model is overloaded. Please try again later.)");
  });
});

describe("classifyGeminiError", () => {
  const none = { quotaViolations: [] };
  it.each([
    [400, "INVALID_ARGUMENT", "bad_request"],
    [400, "FAILED_PRECONDITION", "bad_request"],
    [400, "OUT_OF_RANGE", "bad_request"],
    [501, "UNIMPLEMENTED", "bad_request"],
    [401, "UNAUTHENTICATED", "auth"],
    [403, "PERMISSION_DENIED", "auth"],
    [404, "NOT_FOUND", "not_found"],
    [429, "RESOURCE_EXHAUSTED", "rate_limited"],
    [500, "INTERNAL", "server"],
    [500, "UNKNOWN", "server"],
    [409, "ABORTED", "server"],
    [503, "UNAVAILABLE", "overloaded"],
    [504, "DEADLINE_EXCEEDED", "timeout"],
    [499, "CANCELLED", "timeout"],
    // No status (a proxy's body, an empty one): the HTTP status decides.
    [429, undefined, "rate_limited"],
    [401, undefined, "auth"],
    [404, undefined, "not_found"],
    [408, undefined, "timeout"],
    [502, undefined, "server"],
    [503, undefined, "overloaded"],
    [504, undefined, "timeout"],
    [413, undefined, "bad_request"],
    [302, undefined, "invalid_response"],
    // A status Google adds later falls back to the HTTP status too.
    [503, "SOMETHING_NEW", "overloaded"],
  ] as const)("%i %s → %s", (httpStatus, status, kind) => {
    expect(classifyGeminiError(httpStatus, status === undefined ? undefined : { status }, none)).toBe(kind);
  });

  it("reads the quota rule from QuotaFailure ids and values, never from the message", () => {
    const exhausted = { status: "RESOURCE_EXHAUSTED", message: "per day quota exceeded" };
    const violations = (...list: Array<Record<string, string>>) => ({ quotaViolations: list });
    expect(classifyGeminiError(429, exhausted, none)).toBe("rate_limited");
    expect(classifyGeminiError(429, exhausted, violations({ quotaId: "GenerateContentInputTokensPerModelPerMinute-FreeTier" }))).toBe("rate_limited");
    expect(
      classifyGeminiError(429, exhausted, violations({ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }, { quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" })),
    ).toBe("quota_exhausted");
    expect(classifyGeminiError(429, exhausted, violations({ quotaId: "GenerateContentInputTokensPerModelPerMinute-FreeTier", quotaValue: "0" }))).toBe("quota_exhausted");
    // A per-day quota on another status is not a quota error.
    expect(classifyGeminiError(403, { status: "PERMISSION_DENIED" }, violations({ quotaId: "PerDay" }))).toBe("auth");
  });

  it("treats an ErrorInfo reason about the API key as auth, whatever the status", () => {
    expect(classifyGeminiError(400, { status: "INVALID_ARGUMENT" }, { reason: "API_KEY_INVALID", quotaViolations: [] })).toBe("auth");
    expect(classifyGeminiError(400, { status: "INVALID_ARGUMENT" }, { reason: "SOMETHING_ELSE", quotaViolations: [] })).toBe("bad_request");
  });
});

describe("mapGeminiError", () => {
  it("falls back to retry-after when there is no RetryInfo, and keeps rate-limit headers", () => {
    const error = mapGeminiError(
      { status: 429, headers: { "retry-after": "7" }, bodyText: JSON.stringify({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } }) },
      context,
      nowMs,
    );
    expect(error.data).toMatchObject({ kind: "rate_limited", retryAfterMs: 7_000, rateLimit: { observedAtMs: nowMs, retryAfterMs: 7_000 } });
  });

  it("prefers RetryInfo over retry-after", () => {
    const bodyText = JSON.stringify({
      error: { code: 429, status: "RESOURCE_EXHAUSTED", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "0.5s" }] },
    });
    expect(mapGeminiError({ status: 429, headers: { "retry-after": "7" }, bodyText }, context, nowMs).data.retryAfterMs).toBe(500);
  });

  it("reads an error wrapped in an array, and bodies that are not Google's", () => {
    const wrapped = JSON.stringify([{ error: { code: 503, message: "busy", status: "UNAVAILABLE" } }]);
    expect(mapGeminiError({ status: 503, headers: {}, bodyText: wrapped }, context).message).toBe("gemini answered 503 (UNAVAILABLE: busy)");
    const html = mapGeminiError({ status: 502, headers: {}, bodyText: "<html>Bad gateway</html>" }, context);
    expect(html.data).toMatchObject({ kind: "server", bodyExcerpt: "<html>Bad gateway</html>", message: "gemini answered 502" });
    expect(mapGeminiError({ status: 500, headers: {}, bodyText: "" }, context).data.bodyExcerpt).toBeUndefined();
  });

  it("classifies an error inside a stream by its code, without an httpStatus", () => {
    const error = mapGeminiStreamError({ code: 429, status: "RESOURCE_EXHAUSTED", message: "slow down" }, "{}", context);
    expect(error.data).toMatchObject({ kind: "rate_limited", message: "gemini sent an error inside its stream (RESOURCE_EXHAUSTED: slow down)" });
    expect(error.data.httpStatus).toBeUndefined();
    expect(mapGeminiStreamError({ message: "?" }, "{}", context).kind).toBe("server");
  });
});

describe("readGoogleErrorDetails", () => {
  it("reads RetryInfo, ErrorInfo and QuotaFailure, and skips what it does not know", () => {
    expect(
      readGoogleErrorDetails([
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.000340012s" },
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "RATE_LIMIT_EXCEEDED", domain: "googleapis.com" },
        { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaId: "A", quotaMetric: "m", quotaValue: 0 }, "junk", { subject: "x" }] },
        { "@type": "type.googleapis.com/google.rpc.Help", links: [] },
      ]),
    ).toEqual({ retryDelayMs: 1_001, reason: "RATE_LIMIT_EXCEEDED", quotaViolations: [{ quotaId: "A", quotaMetric: "m", quotaValue: "0" }, {}] });
  });
});

describe("parseProtobufDurationMs", () => {
  it.each([
    ["46s", 46_000],
    ["0.5s", 500],
    ["0s", 0],
    ["1.000000001s", 1_001],
    ["3.25s", 3_250],
    [" 2s ", 2_000],
  ])("%s → %i ms", (text, expected) => {
    expect(parseProtobufDurationMs(text)).toBe(expected);
  });

  it.each(["-1s", "46", "1m", "1.5", "", "1.0000000001s"])("rejects %j", (text) => {
    expect(parseProtobufDurationMs(text)).toBeUndefined();
  });
  it("rejects what is not a string", () => {
    expect(parseProtobufDurationMs(46)).toBeUndefined();
  });
});
