import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

/** One answer, as a hostile client sees it. */
interface Answer {
  status: number;
  contentType: string;
  text: string;
}

interface Endpoint {
  method: string;
  /** With path parameters filled in. */
  path: string;
  /** The document gives it a request body (others may answer before reading one). */
  takesBody: boolean;
}

/** fast-check seed: fixed, so a failure reproduces; change it to explore further. */
const SEED = 20_250_611;
const BODY_LIMIT_BYTES = 1_048_576;
const JSON_TYPE = "application/json";

// Hostile input against every endpoint of one running stack: random and malformed JSON, truncated and huge bodies,
// deep nesting, wrong content types and encodings, header abuse over a raw socket, odd methods, path traversal,
// repeated query parameters and unicode ids. The API must never answer 5xx, every 4xx it produces must carry the one
// error shape, and /healthz must still answer 200 after each batch.
describe("hostile input", () => {
  let stack: TestStack;
  let endpoints: Endpoint[];
  let requestId: string;
  const problems: string[] = [];
  let sent = 0;

  async function send(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
    const response = await request(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminKey}`, ...options.headers },
      ...(options.body === undefined ? {} : { body: options.body }),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await response.body.text();
    sent++;
    return { status: response.statusCode, contentType: String(response.headers["content-type"] ?? ""), text };
  }

  /** Checks one answer; collects problems rather than throwing, so one run reports all of them. */
  function check(what: string, answer: Answer, path: string): void {
    if (answer.status >= 500) problems.push(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
    const apiPath = /^\/(v1|healthz|openapi\.json)(\/|\?|$)/.test(path);
    // 431 (request line and headers over 16 KB) comes from node's HTTP parser, before the API sees anything.
    if (answer.status >= 400 && answer.status !== 431 && apiPath && !answer.contentType.startsWith(JSON_TYPE)) {
      problems.push(`${what}: ${answer.status} answered as ${answer.contentType || "no content type"}, not the JSON error`);
    }
    // A HEAD answer has the GET's headers and no body.
    if (answer.status >= 400 && answer.contentType.startsWith(JSON_TYPE) && !what.startsWith("HEAD ")) {
      let body: any;
      try {
        body = JSON.parse(answer.text);
      } catch {
        problems.push(`${what}: a JSON error that does not parse: ${answer.text.slice(0, 200)}`);
        return;
      }
      const openAiShape =
        typeof body?.error?.message === "string" &&
        typeof body.error.type === "string" &&
        (body.error.code === null || typeof body.error.code === "string") &&
        (body.error.param === null || typeof body.error.param === "string");
      const anthropicShape = path.startsWith("/v1/messages") && body?.type === "error" && typeof body.error?.message === "string";
      if (!openAiShape && !anthropicShape) problems.push(`${what}: ${answer.status} not in the error shape: ${answer.text.slice(0, 200)}`);
      if (/\bat [\w.<>]+ \(|node_modules|\/dist\//.test(answer.text)) problems.push(`${what}: a stack trace in the answer`);
    }
  }

  async function expectHealthy(batch: string): Promise<void> {
    const health = await request(`${stack.apiUrl}/healthz`);
    await health.body.text();
    expect(health.statusCode, `/healthz after ${batch}`).toBe(200);
    expect(problems, `problems in ${batch}`).toEqual([]);
  }

  /** Runs `cases` a few at a time (a burst, without drowning two cores). */
  async function run<T>(cases: readonly T[], each: (item: T) => Promise<void>, concurrency = 8): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < cases.length) await each(cases[next++] as T);
      }),
    );
  }

  const bodyEndpoints = () => endpoints.filter((endpoint) => endpoint.method === "POST" || endpoint.method === "PUT");

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    const submitted = await send("POST", "/v1/requests", {
      headers: { "content-type": JSON_TYPE },
      body: JSON.stringify({ messages: [{ role: "user", content: "a real one" }] }),
    });
    requestId = JSON.parse(submitted.text).id;
    // Every endpoint, from the API's own OpenAPI document.
    const document = JSON.parse((await send("GET", "/openapi.json")).text) as { paths: Record<string, Record<string, object>> };
    endpoints = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path: path.replace("{id}", requestId).replace("{tenant}", "hostile"),
        takesBody: typeof operation === "object" && operation !== null && "requestBody" in operation,
      })),
    );
    expect(endpoints.length).toBeGreaterThan(10);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("random JSON values and near-valid request bodies", async () => {
    const randomJson = fc.sample(fc.jsonValue({ maxDepth: 5 }), { numRuns: 60, seed: SEED });
    // Near-valid: the right field names with wrong or random values, to get past the first checks.
    const nearValid = fc.sample(
      fc.record(
        {
          model: fc.oneof(fc.constant("auto"), fc.string(), fc.jsonValue()),
          messages: fc.oneof(
            fc.array(
              fc.record(
                { role: fc.oneof(fc.constantFrom("user", "system", "assistant", "tool", "developer"), fc.string()), content: fc.oneof(fc.string(), fc.jsonValue()) },
                { requiredKeys: [] },
              ),
              { maxLength: 3 },
            ),
            fc.jsonValue(),
          ),
          max_tokens: fc.oneof(fc.integer(), fc.double(), fc.string()),
          metadata: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
          constraints: fc.jsonValue({ maxDepth: 2 }),
          tenant: fc.string(),
          stream: fc.boolean(),
          switchyard: fc.jsonValue({ maxDepth: 2 }),
          scopes: fc.array(fc.string()),
          monthly_budget_usd: fc.oneof(fc.double(), fc.string()),
          url: fc.oneof(fc.webUrl(), fc.string()),
        },
        { requiredKeys: [] },
      ),
      { numRuns: 60, seed: SEED + 1 },
    );
    const bodies = [...randomJson, ...nearValid].map((value) => JSON.stringify(value) ?? "null");
    const cases = bodyEndpoints().flatMap((endpoint) => bodies.map((body, index) => ({ endpoint, body, index })));
    // A sample per endpoint keeps the run short: every endpoint gets 30 of them, different ones each.
    const sampled = cases.filter(({ index, endpoint }) => (index + endpoint.path.length) % 4 === 0);
    await run(sampled, async ({ endpoint, body }) => {
      const answer = await send(endpoint.method, endpoint.path, { headers: { "content-type": JSON_TYPE }, body });
      check(`${endpoint.method} ${endpoint.path} ${body.slice(0, 120)}`, answer, endpoint.path);
    });
    await expectHealthy("random JSON");
  });

  it("malformed and truncated JSON, huge bodies and deep nesting", async () => {
    const valid = JSON.stringify({ model: "auto", messages: [{ role: "user", content: "truncate me \u00e9\u{1F600}" }], metadata: { urgency: "normal" } });
    const truncations = fc.sample(fc.integer({ min: 0, max: valid.length - 1 }), { numRuns: 12, seed: SEED + 2 }).map((at) => valid.slice(0, at));
    const malformed = ["{", "}", "[", "{\"messages\":", "nul", "tru", "{'a':1}", "{\"a\":1,}", "\u0000", "\"\\ud800\"", "{\"a\":\"\\x41\"}", "1e999999", "-", "[1,,2]", "{\"__proto__\":{\"polluted\":true}}", "{\"constructor\":{\"prototype\":{\"x\":1}}}"];
    const deepArray = "[".repeat(10_000) + "]".repeat(10_000);
    const deepObject = `{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}}]}`;
    const deepUnclosed = "[".repeat(100_000);
    const justUnder = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(BODY_LIMIT_BYTES - 200) }] });
    const over = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(BODY_LIMIT_BYTES + 10) }] });
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])));
    const longKey = JSON.stringify({ ["k".repeat(500_000)]: 1 });
    const bodies = [...truncations, ...malformed, deepArray, deepObject, deepUnclosed, manyKeys, longKey];
    await run(
      bodyEndpoints().flatMap((endpoint) => bodies.map((body) => ({ endpoint, body }))),
      async ({ endpoint, body }) => {
        const answer = await send(endpoint.method, endpoint.path, { headers: { "content-type": JSON_TYPE }, body });
        check(`${endpoint.method} ${endpoint.path} ${body.slice(0, 60)}…(${body.length})`, answer, endpoint.path);
        if (body === deepArray || body === deepObject) expect(answer.status, `deep nesting to ${endpoint.path}`).toBeGreaterThanOrEqual(400);
      },
      4,
    );
    // Just under the limit is accepted (or refused for its content, never for its size); just over is a 413.
    for (const path of ["/v1/requests", "/v1/chat/completions"]) {
      const under = await send("POST", path, { headers: { "content-type": JSON_TYPE }, body: justUnder });
      check(`${path} just under the limit`, under, path);
      expect(under.status, `${path} just under the limit`).not.toBe(413);
      const tooBig = await send("POST", path, { headers: { "content-type": JSON_TYPE }, body: over });
      expect(tooBig.status, `${path} over the limit`).toBe(413);
      check(`${path} over the limit`, tooBig, path);
    }
    await expectHealthy("malformed JSON");
  });

  it("wrong content types and encodings", async () => {
    const json = JSON.stringify({ messages: [{ role: "user", content: "encodings" }] });
    const variants: Array<{ name: string; headers: Record<string, string>; body: string | Buffer; expected?: number }> = [
      { name: "text/plain", headers: { "content-type": "text/plain" }, body: json, expected: 415 },
      { name: "form", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "messages=hi", expected: 415 },
      { name: "multipart", headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--x\r\n\r\nhi\r\n--x--", expected: 415 },
      { name: "no content type", headers: {}, body: json, expected: 415 },
      { name: "garbage content type", headers: { "content-type": ";;;==\u00ff" }, body: json, expected: 415 },
      { name: "json with latin1 charset", headers: { "content-type": "application/json; charset=latin1" }, body: json, expected: 415 },
      { name: "json with an unknown charset", headers: { "content-type": "application/json; charset=klingon" }, body: json, expected: 415 },
      { name: "invalid UTF-8", headers: { "content-type": JSON_TYPE }, body: Buffer.concat([Buffer.from('{"messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}]}')]) },
      { name: "UTF-16 with BOM, undeclared", headers: { "content-type": JSON_TYPE }, body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]) },
      { name: "UTF-16 with BOM, declared", headers: { "content-type": "application/json; charset=utf-16" }, body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]) },
      { name: "UTF-8 BOM", headers: { "content-type": JSON_TYPE }, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]) },
      { name: "gzip garbage", headers: { "content-type": JSON_TYPE, "content-encoding": "gzip" }, body: Buffer.from("definitely not gzip") },
      { name: "truncated gzip", headers: { "content-type": JSON_TYPE, "content-encoding": "gzip" }, body: gzipSync(json).subarray(0, 20) },
      { name: "deflate garbage", headers: { "content-type": JSON_TYPE, "content-encoding": "deflate" }, body: Buffer.from("nope") },
      { name: "brotli garbage", headers: { "content-type": JSON_TYPE, "content-encoding": "br" }, body: Buffer.from("nope") },
      { name: "unknown encoding", headers: { "content-type": JSON_TYPE, "content-encoding": "zstd-9000" }, body: json, expected: 415 },
      { name: "gzip bomb over the limit", headers: { "content-type": JSON_TYPE, "content-encoding": "gzip" }, body: gzipSync(Buffer.alloc(8 * BODY_LIMIT_BYTES, 0x20)), expected: 413 },
    ];
    await run(
      bodyEndpoints().flatMap((endpoint) => variants.map((variant) => ({ endpoint, variant }))),
      async ({ endpoint, variant }) => {
        const answer = await send(endpoint.method, endpoint.path, { headers: variant.headers, body: variant.body });
        check(`${endpoint.method} ${endpoint.path} ${variant.name}`, answer, endpoint.path);
        // Routes that take no body may answer before looking at it; where a body is read, the status is exact.
        if (variant.expected !== undefined && endpoint.takesBody) {
          expect([variant.expected, 400, 404], `${endpoint.method} ${endpoint.path} ${variant.name}`).toContain(answer.status);
        }
      },
    );
    await expectHealthy("content types and encodings");
  });

  /** Sends raw bytes and reads the status line (node itself answers protocol errors, without our JSON). */
  function raw(bytes: string | Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve) => {
      const url = new URL(stack.apiUrl);
      const socket = connect(Number(url.port), url.hostname);
      let text = "";
      const done = () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
      socket.setTimeout(5_000, () => socket.destroy());
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
      });
      socket.on("close", done);
      socket.on("error", () => undefined);
      socket.end(bytes);
    });
  }

  it("header abuse over a raw socket", async () => {
    const auth = `Authorization: Bearer ${stack.adminKey}\r\n`;
    const body = JSON.stringify({ messages: [{ role: "user", content: "raw" }] });
    const cases: Array<{ name: string; bytes: string | Buffer; expected?: number[] }> = [
      { name: "enormous header", bytes: `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}X-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`, expected: [431] },
      { name: "many headers", bytes: `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}${Array.from({ length: 3_000 }, (_, i) => `X-H${i}: v\r\n`).join("")}\r\n`, expected: [200, 431] },
      { name: "duplicate, conflicting content-length", bytes: `POST /v1/requests HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: ${body.length}\r\n\r\n${body}`, expected: [400] },
      { name: "content-length and chunked", bytes: `POST /v1/requests HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, expected: [400] },
      { name: "bad chunk size", bytes: `POST /v1/requests HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, expected: [400] },
      { name: "content-length larger than the body", bytes: `POST /v1/requests HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1}`, expected: [0, 400] },
      { name: "negative content-length", bytes: `POST /v1/requests HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`, expected: [400] },
      { name: "control character in a header value", bytes: `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}X-Evil: a\u0001b\r\n\r\n`, expected: [400] },
      { name: "NUL in a header name", bytes: `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}X-\u0000Evil: a\r\n\r\n`, expected: [400] },
      { name: "bare LF line endings", bytes: `GET /v1/models HTTP/1.1\nHost: x\n${auth.replace("\r\n", "\n")}\n`, expected: [200, 400] },
      { name: "obsolete line folding", bytes: `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}X-Fold: a\r\n b\r\n\r\n`, expected: [200, 400] },
      { name: "latin1 bytes in the authorization header", bytes: Buffer.concat([Buffer.from("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "), Buffer.from([0xe9, 0xff, 0x80]), Buffer.from("\r\n\r\n")]), expected: [401] },
      { name: "invalid UTF-8 in the path", bytes: Buffer.concat([Buffer.from("GET /v1/requests/"), Buffer.from([0xff, 0xfe]), Buffer.from(` HTTP/1.1\r\nHost: x\r\n${auth}\r\n`)]), expected: [400, 404] },
      { name: "HTTP/0.9", bytes: "GET /v1/models\r\n\r\n", expected: [0, 400, 401] },
      { name: "unknown HTTP version", bytes: `GET /v1/models HTTP/7.3\r\nHost: x\r\n${auth}\r\n`, expected: [0, 400, 505] },
      { name: "absolute-form target", bytes: `GET http://evil.example/v1/models HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, expected: [200, 400, 404] },
      { name: "CONNECT", bytes: `CONNECT 127.0.0.1:6379 HTTP/1.1\r\nHost: 127.0.0.1:6379\r\n\r\n`, expected: [0, 400, 404, 405] },
    ];
    for (const testCase of cases) {
      const answer = await raw(testCase.bytes);
      if (answer.status >= 500 && answer.status !== 505) problems.push(`raw ${testCase.name}: ${answer.text.slice(0, 300)}`);
      if (testCase.expected) expect(testCase.expected, `raw ${testCase.name}: ${answer.text.slice(0, 120)}`).toContain(answer.status);
      const [head = "", payload = ""] = answer.text.split("\r\n\r\n");
      if (answer.status >= 400 && /content-type: application\/json/i.test(head)) check(`raw ${testCase.name}`, { status: answer.status, contentType: JSON_TYPE, text: payload }, "/v1/");
    }
    await expectHealthy("header abuse");
  });

  it("odd methods, path traversal, repeated query parameters and unicode ids", async () => {
    const methods = ["PATCH", "PUT", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "PURGE", "HEAD", "SEARCH"];
    const paths = [...new Set(endpoints.map((endpoint) => endpoint.path))];
    const probes: Array<{ method: string; path: string }> = methods.flatMap((method) => paths.map((path) => ({ method, path })));
    const traversal = [
      "/v1/../admin/queues",
      "/v1/requests/..%2F..%2F..%2Fetc%2Fpasswd",
      "/v1/requests/%2e%2e/%2e%2e/package.json",
      "/docs/..%2F..%2Fpackage.json",
      "/docs/%2e%2e%2f%2e%2e%2fREADME.md",
      "/docs/api/assets/..%2F..%2F..%2Fpackage.json",
      "/docs/api/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json",
      "/docs/api/assets/....//....//package.json",
      "/docs/api/assets/%c0%ae%c0%ae/package.json",
      "/admin/queues/static/..%2F..%2F..%2Fpackage.json",
      "//etc/passwd",
      "/v1/requests/%00",
      "/v1/requests/%",
      "/v1/requests/%E0%A4%A",
      "/v1/requests/%F0%9F%92%A9",
      "/v1/requests/req_%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9",
      `/v1/requests/${"\u00e9".repeat(26)}`,
      `/v1/requests/${"a".repeat(8_000)}`,
      "/v1/deployments/%F0%9F%92%A9",
      "/v1/admin/keys/%FF",
      "/v1/admin/tenants/%2e%2e/budget",
    ];
    const queries = [
      `/v1/requests/${requestId}?wait=1&wait=2`,
      `/v1/requests/${requestId}?wait=-1`,
      `/v1/requests/${requestId}?wait=1e308`,
      `/v1/requests/${requestId}?wait=NaN`,
      `/v1/requests/${requestId}?format=openai&format=anthropic`,
      `/v1/requests/${requestId}?format[]=openai`,
      `/v1/requests/${requestId}?format[$ne]=x`,
      `/v1/requests/${requestId}?__proto__[polluted]=1`,
      "/v1/requests?limit=1&limit=2&status=queued&status=failed",
      "/v1/requests?status[]=queued",
      "/v1/requests?after=%FF%FE",
      `/v1/requests?after=${"A".repeat(10_000)}`,
      "/v1/requests?created_after=99999999999999999999999",
      "/v1/requests?created_before=-1",
      "/v1/requests?tenant=%00",
      `/v1/requests?${Array.from({ length: 400 }, (_, i) => `status=queued&x${i}=1`).join("&")}`,
      `/v1/requests?${Array.from({ length: 2_000 }, (_, i) => `status=queued&x${i}=1`).join("&")}`,
      "/v1/admin/keys?tenant=a&tenant=b",
    ];
    const cases = [...probes, ...traversal.map((path) => ({ method: "GET", path })), ...queries.map((path) => ({ method: "GET", path }))];
    await run(cases, async ({ method, path }) => {
      const answer = await send(method, path, method === "HEAD" ? {} : { headers: { "content-type": JSON_TYPE }, body: method === "GET" ? undefined : "{}" });
      check(`${method} ${path.slice(0, 120)}`, answer, path);
      if (path.includes("package.json") || path.includes("passwd") || path.includes("README")) {
        expect(answer.text, `${method} ${path} leaked a file`).not.toMatch(/"dependencies"|root:x:0|# Switchyard/);
      }
    });
    // Unauthenticated and badly authenticated variants of every endpoint: 401 in the shape, never more.
    await run(endpoints, async ({ method, path }) => {
      for (const authorization of ["", "Bearer", "Bearer \u00e9", `Basic ${"!".repeat(50)}`, `Bearer ${"x".repeat(10_000)}`]) {
        const response = await request(`${stack.apiUrl}${path}`, {
          method,
          headers: { ...(authorization ? { authorization } : {}), "content-type": JSON_TYPE },
          ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
        }).catch((error: Error) => ({ statusCode: 0, headers: {} as Record<string, string>, body: { text: async () => error.message } }));
        const answer = { status: response.statusCode, contentType: String(response.headers["content-type"] ?? ""), text: await response.body.text() };
        check(`${method} ${path} with authorization ${JSON.stringify(authorization.slice(0, 20))}`, answer, path);
        if (answer.status !== 0 && !path.startsWith("/healthz") && !path.startsWith("/openapi.json")) {
          expect([400, 401], `${method} ${path} with authorization ${JSON.stringify(authorization.slice(0, 20))}`).toContain(answer.status);
        }
      }
    });
    await expectHealthy("methods, paths and queries");
    // The suite really ran: a few hundred cases.
    expect(sent).toBeGreaterThan(300);
  });
});
