import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  PROVIDER_ERROR_KINDS,
  ProviderError,
  type ChatResult,
  type ProviderErrorData,
  type ProviderErrorKind,
} from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { ProviderAdapter, ProviderFormat } from "../provider-adapter.js";
import type { HttpAdapterOptions } from "../http-agent.js";
import { startFixtureServer, unusedPort, type FixtureServer, type RecordedResponse } from "./fixture-server.js";
import { TEST_REQUEST, testDeployment } from "./test-deployment.js";

/** Every adapter must map a recorded answer of these kinds; the rest are format-independent and tested here. */
export const REQUIRED_ERROR_KINDS: readonly ProviderErrorKind[] = [
  "rate_limited",
  "quota_exhausted",
  "context_length",
  "auth",
  "server",
  "overloaded",
];

export interface AdapterConformanceOptions {
  format: ProviderFormat;
  createAdapter(options: HttpAdapterOptions): ProviderAdapter;
  /** A recorded success and the `ChatResult` it must become. */
  success: { response: RecordedResponse; expected: ChatResult };
  /** Recorded errors and the `ProviderError` data each must become. */
  errors: Array<{ name: string; response: RecordedResponse; expected: Partial<ProviderErrorData> & { kind: ProviderErrorKind } }>;
  /** Required kinds this format cannot report, with the reason. */
  unreportableErrorKinds?: Partial<Record<ProviderErrorKind, string>>;
  /**
   * Deployment settings every call of the suite uses (`defaultMaxOutputTokens`, `apiKeyEnv`, `timeoutMs`, `provider`,
   * ...) over `testDeployment`'s; a case that is about one setting (`timeoutMs`, `baseUrl`) still sets its own.
   */
  deployment?: Partial<Omit<DeploymentConfig, "format" | "baseUrl">>;
}

/** Awaits a call that must fail, and returns its `ProviderError`; anything else fails the test. */
export async function expectProviderError(call: Promise<unknown>): Promise<ProviderError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a ProviderError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ProviderError);
  const error = outcome.error as ProviderError;
  expect(PROVIDER_ERROR_KINDS).toContain(error.kind);
  return error;
}

/**
 * The behaviour every provider adapter shares (hono's `common.case.test.ts` pattern): each adapter's test file
 * calls this with its own recorded answers, and gets the transport cases (refused, hanging, stalled, aborted)
 * for free.
 */
export function runAdapterConformanceSuite(options: AdapterConformanceOptions): void {
  describe(`${options.format} adapter conformance`, () => {
    let server: FixtureServer;
    let adapter: ProviderAdapter;
    const deployment = (overrides: Partial<DeploymentConfig> = {}) =>
      testDeployment({ ...options.deployment, format: options.format, baseUrl: `${server.url}/v1`, ...overrides });

    beforeAll(async () => {
      server = await startFixtureServer();
      adapter = options.createAdapter({});
    });
    afterAll(async () => {
      await adapter.close();
      await server.close();
    });
    beforeEach(() => {
      server.requests.length = 0;
    });

    it("declares its format", () => {
      expect(adapter.format).toBe(options.format);
    });

    it("covers every required error kind with a recorded answer", () => {
      // A format may be unable to report a kind at all (Gemini has no structured context-length error).
      const covered = new Set([
        ...options.errors.map((error) => error.expected.kind),
        ...Object.keys(options.unreportableErrorKinds ?? {}),
      ]);
      expect(REQUIRED_ERROR_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
    });

    it("maps a recorded success to a ChatResult", async () => {
      server.respondWith(options.success.response);
      const result = await adapter.chat({ deployment: deployment(), request: TEST_REQUEST });
      expect(result).toEqual(options.success.expected);
    });

    it.each(options.errors)("maps $name", async ({ response, expected }) => {
      server.respondWith(response);
      const error = await expectProviderError(adapter.chat({ deployment: deployment(), request: TEST_REQUEST }));
      expect(error.data).toMatchObject({
        httpStatus: response.status,
        provider: deployment().provider,
        deploymentId: deployment().id,
        ...expected,
      });
      expect(error.data.bodyExcerpt).toBeDefined();
      expect(error.data.bodyExcerpt!.length).toBeLessThanOrEqual(500);
    });

    it("reports a 2xx body that is not JSON as invalid_response", async () => {
      server.respondWith({ status: 200, headers: { "content-type": "text/html" }, body: "<html>Bad gateway</html>" });
      const error = await expectProviderError(adapter.chat({ deployment: deployment(), request: TEST_REQUEST }));
      expect(error.data).toMatchObject({ kind: "invalid_response", retryable: true, bodyExcerpt: "<html>Bad gateway</html>" });
    });

    it("reports a 2xx JSON body of the wrong shape as invalid_response", async () => {
      server.respondWith({ status: 200, body: { object: "list", data: [] } });
      const error = await expectProviderError(adapter.chat({ deployment: deployment(), request: TEST_REQUEST }));
      expect(error.kind).toBe("invalid_response");
    });

    it("keeps only the first 500 characters of a body", async () => {
      server.respondWith({ status: 500, body: "x".repeat(2_000) });
      const error = await expectProviderError(adapter.chat({ deployment: deployment(), request: TEST_REQUEST }));
      expect(error.data).toMatchObject({ kind: "server", bodyExcerpt: "x".repeat(500) });
    });

    it("reports a refused connection as network", async () => {
      const port = await unusedPort();
      const error = await expectProviderError(
        adapter.chat({ deployment: deployment({ baseUrl: `http://127.0.0.1:${port}/v1` }), request: TEST_REQUEST }),
      );
      expect(error.data).toMatchObject({ kind: "network", retryable: true });
    });

    it("reports no answer within deployment.timeoutMs as timeout", async () => {
      server.behave({ kind: "hang" });
      const startedAt = performance.now();
      const error = await expectProviderError(
        adapter.chat({ deployment: deployment({ timeoutMs: 200 }), request: TEST_REQUEST }),
      );
      expect(error.data).toMatchObject({ kind: "timeout", retryable: true });
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(150);
    });

    it("reports undici's headers timeout as timeout", async () => {
      server.behave({ kind: "hang" });
      const impatient = options.createAdapter({ headersTimeoutMs: 100 });
      try {
        const error = await expectProviderError(impatient.chat({ deployment: deployment(), request: TEST_REQUEST }));
        expect(error.kind).toBe("timeout");
      } finally {
        await impatient.close();
      }
    });

    it("reports a body that stops arriving as timeout", async () => {
      server.behave({ kind: "stall-body", status: 200 });
      const impatient = options.createAdapter({ bodyTimeoutMs: 100 });
      try {
        const error = await expectProviderError(impatient.chat({ deployment: deployment(), request: TEST_REQUEST }));
        expect(error.kind).toBe("timeout");
      } finally {
        await impatient.close();
      }
    });

    it("reports the caller's abort as timeout, promptly", async () => {
      server.behave({ kind: "hang" });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const startedAt = performance.now();
      const error = await expectProviderError(
        adapter.chat({ deployment: deployment(), request: TEST_REQUEST, signal: controller.signal }),
      );
      expect(error.kind).toBe("timeout");
      expect(performance.now() - startedAt).toBeLessThan(5_000);
    });

    it("does not call the provider with an already-aborted signal", async () => {
      const error = await expectProviderError(
        adapter.chat({ deployment: deployment(), request: TEST_REQUEST, signal: AbortSignal.abort() }),
      );
      expect(error.kind).toBe("timeout");
      expect(server.requests).toHaveLength(0);
    });

    it("keeps working after failures (the pool is not poisoned)", async () => {
      server.respondWith(options.success.response);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => adapter.chat({ deployment: deployment(), request: TEST_REQUEST })),
      );
      expect(results.every((result) => result.message.content === options.success.expected.message.content)).toBe(true);
    });
  });
}
