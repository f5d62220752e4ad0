import { Writable } from "node:stream";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Express } from "express";
import type { Redis } from "ioredis";
import { validate, compileErrors } from "@readme/openapi-parser";
import { configSchema } from "@switchyard/config";
import { createLogger } from "@switchyard/logging";
import { createRedis, RequestStore } from "@switchyard/queue";
import { createApp, type AppDependencies } from "../app.js";
import { buildOpenApiDocument } from "./openapi-document.js";

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[] | RegExp;
}

/** Every `METHOD /path` the Express app registers, with mount paths joined and `:param` written `{param}`. */
function registeredRoutes(app: Express): Set<string> {
  const routes = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const raw = typeof layer.rawPath === "string" ? layer.rawPath : "";
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          const full = `${prefix}${path}`.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== "_all") routes.add(`${method.toUpperCase()} ${full}`);
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, raw === "/" ? prefix : `${prefix}${raw}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  return routes;
}

const config = configSchema.parse({
  deployments: [
    { id: "a", provider: "openai", model: "m-a", baseUrl: "http://127.0.0.1:1/v1", pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002,
      contextWindowTokens: 1000, typicalLatencyMs: 100, quality: { general: 0.5 } },
  ],
});
const { deployments } = config;

describe("OpenAPI document", () => {
  let redis: Redis;
  let app: Express;

  beforeAll(() => {
    redis = createRedis(inject("redisUrl"), "worker");
    const logger = createLogger({ service: "test", destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    // Only what the routers read while they are built; no request is served here, the routes are only listed.
    const known: Record<string, unknown> = {
      redis,
      logger,
      store: new RequestStore(redis, `{t${randomBytes(4).toString("hex")}}`, 60),
      deployments,
      tenantLimits: {},
      longPollMaxSeconds: 60,
      syncTimeoutMs: 60_000,
      bodyLimitBytes: 1_048_576,
      credentials: { adminKey: "a".repeat(32), dashboardUsername: "admin" },
      dashboardQueues: [],
      now: Date.now,
      routing: { deployments, tiers: config.tiers, weights: config.weights },
      webhookSettings: (config as Record<string, unknown>).webhooks,
    };
    // Stores and queues the routers only use while serving stand in as empty objects: nothing is served here.
    const dependencies = new Proxy(known, { get: (target, name: string) => (name in target ? target[name] : {}) });
    app = createApp(dependencies as unknown as AppDependencies);
  });
  afterAll(() => redis.quit());

  it("is a valid OpenAPI 3.1 document", async () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("describes every route the app serves under /v1, and no route it does not serve", () => {
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)),
    );
    const served = [...registeredRoutes(app)].filter(
      (route) => !route.startsWith("HEAD ") && (route.includes(" /v1/") || route.endsWith(" /healthz") || route.endsWith(" /openapi.json")),
    );
    expect(served.length).toBeGreaterThan(8);
    expect(served.filter((route) => !documented.has(route)), "served but not documented").toEqual([]);
    expect([...documented].filter((route) => !served.includes(route)), "documented but not served").toEqual([]);
  });

  it("takes its schemas from the zod schemas the API validates with", () => {
    const schemas = (buildOpenApiDocument().components as { schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }> }).schemas;
    // chatRequestSchema is strict: unknown fields are a 400, and the document says so.
    expect(schemas.ChatRequest?.additionalProperties).toBe(false);
    expect(Object.keys(schemas.ChatRequest?.properties ?? {})).toEqual(expect.arrayContaining(["messages", "model", "constraints", "metadata", "tenant"]));
    // The record's camelCase store shape is shown snake_cased, as the API answers it.
    expect(Object.keys(schemas.RequestRecord?.properties ?? {})).toEqual(expect.arrayContaining(["created_at_ms", "client_format", "hops", "cost_usd"]));
    expect(Object.keys(schemas.Error?.properties ?? {})).toEqual(["error"]);
  });
});
