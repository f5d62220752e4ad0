import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Writable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Redis } from "ioredis";
import { configSchema, resilienceSchema } from "@switchyard/config";
import { createLogger } from "@switchyard/logging";
import { CircuitBreakers, createRedis, RateLimitStore, waitForRedis } from "@switchyard/queue";
import { errorHandler } from "../http/error-handler.js";
import { deploymentsRouter } from "./deployments-router.js";

const deployments = configSchema.parse({
  deployments: [
    { id: "a", provider: "openai", model: "m-a", baseUrl: "http://127.0.0.1:1/v1", pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.002,
      contextWindowTokens: 1000, typicalLatencyMs: 100, quality: { general: 0.5 } },
  ],
}).deployments;

// Redis away: the router answers 503 with retry-after, as the request routes do, never a 500.
describe("deploymentsRouter with Redis down", () => {
  let redis: Redis;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // A real producer connection whose Redis has gone: commands fail at once, as in production.
    redis = createRedis(inject("redisUrl"), "producer");
    await waitForRedis(redis, 5_000);
    redis.disconnect();
    const prefix = `{t${randomBytes(4).toString("hex")}}`;
    const logger = createLogger({ service: "test", destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    const app = express();
    app.use(
      deploymentsRouter({
        deployments,
        breakers: new CircuitBreakers(redis, prefix, resilienceSchema.parse({}).breaker),
        rateLimits: new RateLimitStore(redis, prefix),
        logger,
      }),
    );
    app.use(errorHandler(logger));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it.each([
    ["GET", "/deployments"],
    ["GET", "/deployments/a"],
    ["POST", "/deployments/a/circuit/reset"],
  ])("%s %s answers 503", async (method, path) => {
    const response = await fetch(`${baseUrl}${path}`, { method });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBeTruthy();
    expect(await response.json()).toMatchObject({ error: { type: "service_unavailable" } });
  });

  it("still answers 404 for an unknown deployment, without asking Redis", async () => {
    expect((await fetch(`${baseUrl}/deployments/b`)).status).toBe(404);
  });
});
