import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";

/** What helmet sets on every answer (a subset worth pinning). */
function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get("content-security-policy")).toMatch(/default-src 'self'/);
  expect(headers.get("content-security-policy")).toMatch(/script-src 'self'/);
  expect(headers.get("content-security-policy")).not.toMatch(/upgrade-insecure-requests/);
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(headers.get("strict-transport-security")).toMatch(/max-age=/);
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(headers.get("x-powered-by")).toBeNull();
}

// The OpenAPI document, the API reference page, and the security headers on the API, the dashboard and the docs.
describe("OpenAPI document, API reference and security headers", () => {
  let stack: TestStack;
  let document: { paths: Record<string, Record<string, unknown>>; openapi: string };

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    const response = await fetch(`${stack.apiUrl}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as typeof document;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("serves the OpenAPI 3.1 document without a key", async () => {
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/v1/requests", "/v1/requests/{id}", "/v1/chat/completions", "/v1/messages"]));
  });

  it("routes every documented operation (nothing documented answers 'no route')", async () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const concrete = path.replace("{id}", "req_00000000000000000000000000").replace("{tenant}", "acme");
        const response = await fetch(`${stack.apiUrl}${concrete}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${stack.adminKey}`, "content-type": "application/json" },
          ...(method === "get" || method === "delete" ? {} : { body: "{}" }),
        });
        const text = await response.text();
        expect(text, `${method.toUpperCase()} ${path}`).not.toMatch(/no route for/);
        expect(response.status, `${method.toUpperCase()} ${path}`).toBeLessThan(500);
      }
    }
  });

  it("serves the interactive reference at /docs/api from local assets, under the CSP", async () => {
    const page = await fetch(`${stack.apiUrl}/docs/api`);
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers);
    const html = await page.text();
    // No inline script (the CSP allows only 'self' files) and nothing from a CDN.
    expect(html).not.toMatch(/<script>[^<]/);
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(assets).toEqual(expect.arrayContaining(["/docs/api/assets/swagger-ui-bundle.js", "/docs/api/init.js", "/docs/api/assets/swagger-ui.css"]));
    for (const asset of assets) {
      const response = await fetch(`${stack.apiUrl}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("content-type"), asset).toMatch(/javascript|css|png/);
    }
    expect(await (await fetch(`${stack.apiUrl}/docs/api/init.js`)).text()).toContain('url: "/openapi.json"');
  });

  it("links the reference from the docs index", async () => {
    const index = await stack.api.get("/docs");
    expect(index.status).toBe(200);
    expect(index.body).toContain('href="/docs/api"');
    expect(index.body).toContain('href="/openapi.json"');
    expectSecurityHeaders(index.headers);
  });

  it("sets security headers on /v1/* (answers and errors) and /healthz", async () => {
    expectSecurityHeaders((await stack.api.get("/v1/models")).headers);
    expectSecurityHeaders((await stack.api.post("/v1/requests", { messages: [] })).headers);
    expectSecurityHeaders((await fetch(`${stack.apiUrl}/v1/requests`)).headers);
    expectSecurityHeaders((await fetch(`${stack.apiUrl}/healthz`)).headers);
  });

  it("sets them on Bull Board too, and the dashboard still loads its scripts", async () => {
    const basic = `Basic ${Buffer.from(`admin:${stack.adminKey}`).toString("base64")}`;
    const page = await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers);
    const html = await page.text();
    // Bull Board's scripts are files (allowed by script-src 'self'); its only inline <script> is a JSON data block.
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((match) => match[1] ?? "");
    expect(inlineScripts.every((attributes) => /type="application\/json"/.test(attributes))).toBe(true);
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const response = await fetch(new URL(script, `${stack.apiUrl}/admin/queues/`), { headers: { authorization: basic } });
      expect(response.status, script).toBe(200);
    }
    const api = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, { headers: { authorization: basic } });
    expect(api.status).toBe(200);
  });
});
