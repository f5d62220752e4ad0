import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { deploymentSchema, type DeploymentConfig } from "@switchyard/config";
import { createAdapterRegistry, type AdapterRegistry, type ProviderCallOptions, type ProviderFormat } from "@switchyard/providers";
import { startProviderSim, type ProviderSim } from "./start-provider-sim.js";
import type { SimConfigInput } from "./sim-config.js";

/**
 * The acceptance criterion, as a table: every `ProviderError` kind, for every wire format, is produced by
 * the real simulator (through its knobs or a request that trips a provider's own check) and classified by the
 * real adapter, `chat` and `stream` both. Each cell asserts the kind, the retryable flag, the HTTP status and the
 * retry delay (absent where the provider asks for none), and that an HTTP error body has its provider's shape.
 *
 * Two cells are kinds the provider itself cannot report, and say so (`unreportable`): they assert what the
 * adapter makes of the provider's real answer instead, so a change on either side still fails here.
 */

/** `PROVIDER_ERROR_KINDS` of `@switchyard/contracts` (not a dependency of the simulator). */
const KINDS = [
  "rate_limited",
  "quota_exhausted",
  "overloaded",
  "server",
  "timeout",
  "network",
  "invalid_response",
  "context_length",
  "content_filtered",
  "auth",
  "bad_request",
  "not_found",
] as const;
type Kind = (typeof KINDS)[number];

type ChatRequest = ProviderCallOptions["request"];

interface ExpectedError {
  kind: Kind;
  retryable: boolean;
  /** `undefined`: no HTTP answer (timeout, dropped connection) or an error inside a 200 stream. */
  httpStatus: number | undefined;
  retryAfterMs?: number;
}
/** An error, or (for a kind the provider cannot report) the answer the adapter returns instead. */
type Outcome = { error: ExpectedError } | { finishReason: "content_filter" };

interface Cell {
  /** How the simulator is made to fail, for the test name. */
  how: string;
  config?: SimConfigInput;
  request?: ChatRequest;
  apiKey?: string;
  deployment?: Partial<DeploymentConfig>;
  chat: Outcome;
  /** The streamed call's outcome, when it differs from `chat`'s. */
  stream?: Outcome;
  /** Why this provider cannot report the kind at all; the cell then pins what it reports instead. */
  unreportable?: string;
}

const RETRY_AFTER_MS = 3_000;
/** The simulator's body limit here: Anthropic's 413 `request_too_large` at a size a test can send. */
const BODY_LIMIT_BYTES = 64 * 1024;
const CONTEXT_WINDOW_TOKENS = 200;
const FILTER_PHRASE = "forbidden topic";

const ask = (content: string): ChatRequest => ({ messages: [{ role: "user", content }] });
const REQUEST = ask("How should a job queue retry failed provider calls?");
/** About 900 tokens and 3.7 KB: over `CONTEXT_WINDOW_TOKENS`, well under `BODY_LIMIT_BYTES`. */
const LONG_PROMPT = ask("Retries need backoff, jitter and a budget so that outages do not snowball. ".repeat(50));
/** About 110 KB: over `BODY_LIMIT_BYTES`. */
const HUGE_PROMPT = ask("All work and no play makes Jack a dull boy. ".repeat(2_500));

/** The kinds `@switchyard/contracts` marks retryable; the adapters never override the flag. */
const RETRYABLE = new Set<Kind>(["rate_limited", "overloaded", "server", "timeout", "network", "invalid_response"]);
const error = (kind: Kind, httpStatus: number | undefined, retryAfterMs?: number): { error: ExpectedError } => ({
  error: { kind, retryable: RETRYABLE.has(kind), httpStatus, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
});

const injected = (errorStatus: 429 | 500, extra: SimConfigInput = {}): SimConfigInput => ({
  errorRate: 1,
  errorStatus,
  retryAfterMs: RETRY_AFTER_MS,
  ...extra,
});

/** Cells every format shares; the rest are in `MATRIX`. */
const COMMON = {
  rate_limited: { how: "errorRate 1 × 429", config: injected(429), chat: error("rate_limited", 429, RETRY_AFTER_MS) },
  quota_exhausted: {
    how: "errorRate 1 × 429 with quotaExhausted",
    config: injected(429, { quotaExhausted: true }),
    chat: error("quota_exhausted", 429),
  },
  server: { how: "errorRate 1 × 500", config: injected(500), chat: error("server", 500) },
  timeout: {
    how: "1 s latency against a 50 ms deployment timeout",
    config: { latency: { kind: "fixed", ms: 1_000 } },
    deployment: { timeoutMs: 50 },
    chat: error("timeout", undefined),
  },
  network: { how: "partialBodyRate 1 (connection destroyed mid-body)", config: { partialBodyRate: 1 }, chat: error("network", undefined) },
  auth: { how: "requireApiKey and a wrong key", config: { requireApiKey: "sk-sim" }, apiKey: "sk-wrong", chat: error("auth", 401) },
  bad_request: { how: "top_p 1.5 (every API's range is 0..1)", request: { ...REQUEST, top_p: 1.5 }, chat: error("bad_request", 400) },
  not_found: { how: "allowedModels without the deployment's model", config: { allowedModels: ["some-other-model"] }, chat: error("not_found", 404) },
} satisfies Partial<Record<Kind, Cell>>;

const MATRIX: Record<ProviderFormat, Record<Kind, Cell>> = {
  "openai-chat": {
    ...COMMON,
    overloaded: { how: "an outage answering 503", config: outage(503), chat: error("overloaded", 503) },
    invalid_response: { how: "invalidJsonRate 1", config: { invalidJsonRate: 1 }, chat: error("invalid_response", 200) },
    context_length: {
      how: "a prompt over contextWindowTokens (400 context_length_exceeded)",
      config: { contextWindowTokens: CONTEXT_WINDOW_TOKENS },
      request: LONG_PROMPT,
      chat: error("context_length", 400),
    },
    content_filtered: {
      how: "the filter phrase with contentFilterRejectsPrompt (400 invalid_prompt)",
      config: { contentFilterPhrase: FILTER_PHRASE, contentFilterRejectsPrompt: true },
      request: ask(`Tell me about the ${FILTER_PHRASE}`),
      chat: error("content_filtered", 400),
    },
  },
  "anthropic-messages": {
    ...COMMON,
    overloaded: { how: "an outage answering 529 overloaded_error", config: outage(529), chat: error("overloaded", 529, RETRY_AFTER_MS) },
    invalid_response: {
      how: "invalidJsonRate 1",
      config: { invalidJsonRate: 1 },
      chat: error("invalid_response", 200),
      stream: error("invalid_response", undefined),
    },
    context_length: {
      // Anthropic's "prompt is too long" 400 is an invalid_request_error told apart only by its documented
      // wording, which the adapter reads at the wire boundary (the 413 request_too_large case is below).
      how: "a prompt over contextWindowTokens (400 invalid_request_error: prompt is too long)",
      config: { contextWindowTokens: CONTEXT_WINDOW_TOKENS },
      request: LONG_PROMPT,
      chat: error("context_length", 400),
    },
    content_filtered: {
      how: "the filter phrase, even with contentFilterRejectsPrompt (stop_reason refusal)",
      config: { contentFilterPhrase: FILTER_PHRASE, contentFilterRejectsPrompt: true },
      request: ask(`Tell me about the ${FILTER_PHRASE}`),
      unreportable: "Anthropic has no content-filter error: a refusal is a 200 with stop_reason refusal",
      chat: { finishReason: "content_filter" },
    },
  },
  gemini: {
    ...COMMON,
    // Gemini answers a wrong key with 400 INVALID_ARGUMENT and ErrorInfo API_KEY_INVALID.
    auth: { ...COMMON.auth, chat: error("auth", 400) },
    overloaded: { how: "an outage answering 503 UNAVAILABLE", config: outage(503), chat: error("overloaded", 503) },
    invalid_response: {
      how: "invalidJsonRate 1",
      config: { invalidJsonRate: 1 },
      chat: error("invalid_response", 200),
      stream: error("invalid_response", undefined),
    },
    context_length: {
      how: "a prompt over contextWindowTokens (400 INVALID_ARGUMENT: the input token count exceeds the maximum)",
      config: { contextWindowTokens: CONTEXT_WINDOW_TOKENS },
      request: LONG_PROMPT,
      chat: error("context_length", 400),
    },
    content_filtered: {
      how: "the filter phrase (promptFeedback.blockReason SAFETY)",
      config: { contentFilterPhrase: FILTER_PHRASE },
      request: ask(`Tell me about the ${FILTER_PHRASE}`),
      chat: error("content_filtered", 200),
      stream: error("content_filtered", undefined),
    },
  },
};

function outage(status: 503 | 529): SimConfigInput {
  return { outages: [{ fromMs: 0, toMs: 3_600_000, status }], retryAfterMs: RETRY_AFTER_MS };
}

const TARGETS: Record<ProviderFormat, { provider: DeploymentConfig["provider"]; model: string; basePath: string }> = {
  "openai-chat": { provider: "openai", model: "gpt-4.1", basePath: "/v1" },
  "anthropic-messages": { provider: "anthropic", model: "claude-sim-1", basePath: "/v1" },
  gemini: { provider: "gemini", model: "gemini-2.5-flash", basePath: "/v1beta" },
};

/** Each provider's error body (what the adapters parse), checked whole when the excerpt holds all of it. */
const ERROR_BODIES: Record<ProviderFormat, { prefix: string; schema: z.ZodType }> = {
  "openai-chat": {
    prefix: '{"error":{"message":',
    schema: z.strictObject({
      error: z.strictObject({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
    }),
  },
  "anthropic-messages": {
    prefix: '{"type":"error","error":{"type":',
    schema: z.strictObject({
      type: z.literal("error"),
      error: z.strictObject({ type: z.string(), message: z.string(), details: z.strictObject({ error_code: z.string() }).optional() }),
    }),
  },
  gemini: {
    prefix: '{"error":{"code":',
    schema: z.strictObject({
      error: z.strictObject({
        code: z.number().int(),
        message: z.string(),
        status: z.string().regex(/^[A-Z_]+$/),
        details: z.array(z.looseObject({ "@type": z.string().startsWith("type.googleapis.com/google.rpc.") })).optional(),
      }),
    }),
  },
};
const EXCERPT_MAX_CHARS = 500;

let sim: ProviderSim;
let registry: AdapterRegistry;

beforeAll(async () => {
  sim = await startProviderSim({ bodyLimitBytes: BODY_LIMIT_BYTES });
  registry = createAdapterRegistry();
});
afterAll(async () => {
  await registry.close();
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

interface ProviderErrorLike {
  name: string;
  data: { kind: string; retryable: boolean; httpStatus?: number; retryAfterMs?: number; provider: string; bodyExcerpt?: string };
}
type Observed = { error: ProviderErrorLike } | { finishReason: string };

async function observe(run: () => Promise<string>): Promise<Observed> {
  try {
    return { finishReason: await run() };
  } catch (thrown) {
    expect(thrown).toMatchObject({ name: "ProviderError" });
    return { error: thrown as ProviderErrorLike };
  }
}

function callFor(format: ProviderFormat, cell: Pick<Cell, "request" | "apiKey" | "deployment"> = {}): ProviderCallOptions {
  const target = TARGETS[format];
  const deployment = deploymentSchema.parse({
    id: `sim-${format}`,
    provider: target.provider,
    format,
    model: target.model,
    baseUrl: `${sim.url}${target.basePath}`,
    pricePer1kInputUsd: 0.002,
    pricePer1kOutputUsd: 0.008,
    contextWindowTokens: 1_000_000,
    typicalLatencyMs: 100,
    quality: { general: 0.9 },
    timeoutMs: 5_000,
    defaultMaxOutputTokens: 64,
    ...cell.deployment,
  });
  return { deployment, request: cell.request ?? REQUEST, ...(cell.apiKey === undefined ? {} : { apiKey: cell.apiKey }) };
}

function expectOutcome(format: ProviderFormat, observed: Observed, expected: Outcome): void {
  if ("finishReason" in expected) {
    expect(observed).toEqual({ finishReason: expected.finishReason });
    return;
  }
  expect(observed, "the call should have failed").toHaveProperty("error");
  if (!("error" in observed)) return;
  const { data } = observed.error;
  expect({ kind: data.kind, retryable: data.retryable, httpStatus: data.httpStatus, retryAfterMs: data.retryAfterMs }).toEqual({
    retryAfterMs: undefined,
    ...expected.error,
  });
  expect(data.provider).toBe(TARGETS[format].provider);
  if (data.httpStatus !== undefined && data.httpStatus >= 400) expectErrorBody(format, data.httpStatus, data.bodyExcerpt);
}

function expectErrorBody(format: ProviderFormat, httpStatus: number, excerpt: string | undefined): void {
  const { prefix, schema } = ERROR_BODIES[format];
  expect(excerpt?.startsWith(prefix), `${format} error body: ${excerpt}`).toBe(true);
  if (excerpt === undefined || excerpt.length >= EXCERPT_MAX_CHARS) return; // cut: the prefix is what is left to check
  const body = schema.parse(JSON.parse(excerpt));
  if (format === "gemini") expect(body).toMatchObject({ error: { code: httpStatus } });
}

describe.each(Object.keys(MATRIX) as ProviderFormat[])("%s: every error kind, from the simulator through the adapter", (format) => {
  const cells = KINDS.map((kind) => {
    const cell = MATRIX[format][kind];
    const label = cell.unreportable === undefined ? cell.how : `${cell.how}; unreportable: ${cell.unreportable}`;
    return { kind, label, ...cell };
  });

  it("has a cell for every kind", () => {
    expect(Object.keys(MATRIX[format]).sort()).toEqual([...KINDS].sort());
  });

  it.each(cells)("chat: $kind ← $label", async (cell) => {
    sim.setConfig(cell.config ?? {});
    const adapter = registry.forFormat(format);
    const observed = await observe(async () => (await adapter.chat(callFor(format, cell))).finishReason);
    expectOutcome(format, observed, cell.chat);
  });

  it.each(cells)("stream: $kind ← $label", async (cell) => {
    sim.setConfig(cell.config ?? {});
    const adapter = registry.forFormat(format);
    const stream = adapter.stream;
    expect(stream, `${format} adapter streams`).toBeDefined();
    if (stream === undefined) return;
    const observed = await observe(async () => {
      let finishReason = "none";
      for await (const event of stream.call(adapter, callFor(format, cell))) {
        if (event.type === "finish") finishReason = event.finishReason;
      }
      return finishReason;
    });
    expectOutcome(format, observed, cell.stream ?? cell.chat);
  });

  it("chat: rate_limited ← the enforced rpm limit, waiting for the window to reopen", async () => {
    const windowMs = 60_000;
    sim.setConfig({ rpm: 1, limitWindowMs: windowMs });
    const adapter = registry.forFormat(format);
    const call = callFor(format);
    await adapter.chat(call);
    const observed = await observe(async () => (await adapter.chat(call)).finishReason);
    expect(observed).toMatchObject({ error: { data: { kind: "rate_limited", retryable: true, httpStatus: 429 } } });
    const retryAfterMs = "error" in observed ? observed.error.data.retryAfterMs : undefined;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(windowMs);
  });
});
