import type { IncomingMessage } from "node:http";
import type { LimitRejection, LimitSnapshot } from "../limits/rate-limiter.js";
import type { SimErrorStatus } from "../model-behaviour.js";
import type { SimReply, SimTurn } from "./sim-turn.js";

/** An error answer in a format's own shape. */
export interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Every error the provider-neutral pipeline can raise; each format renders them as its provider does. */
export type SimFault =
  | { kind: "invalid_json" }
  | { kind: "body_too_large"; limitBytes: number }
  | { kind: "model_not_found"; model: string }
  | { kind: "status"; status: SimErrorStatus; model: string; retryAfterMs: number; quotaExhausted: boolean }
  | { kind: "context_length"; model: string; promptTokens: number; contextWindowTokens: number }
  | { kind: "rate_limited"; model: string; rejection: LimitRejection };

export type ParseResult<Wire> =
  | { ok: true; wire: Wire; turn: SimTurn }
  | { ok: false; error: ErrorAnswer; model?: string | undefined };

/** A successful answer's parts, handed to the format to render. */
export interface Exchange<Wire> {
  wire: Wire;
  turn: SimTurn;
  replies: readonly SimReply[];
  nowMs: number;
}

/** One server-sent event (or, for Gemini's array stream, one array element) before serialisation. */
export interface StreamEvent {
  event?: string;
  data: string;
}

export interface StreamAnswer {
  contentType: string;
  events: StreamEvent[];
}

/**
 * One provider's wire format: how it authenticates, validates, names things, and shapes success and error
 * bodies. The shared pipeline (`handle-generation.ts`) drives it; adding a format touches nothing else.
 */
export interface WireFormat<Wire> {
  /** Checks made before the body is read (API key, required headers). */
  checkHeaders(request: IncomingMessage, requiredKey: string | undefined): ErrorAnswer | undefined;
  parse(json: unknown): ParseResult<Wire>;
  renderFault(fault: SimFault): ErrorAnswer;
  /**
   * The error a provider rejects a flagged prompt with, for `contentFilterRejectsPrompt` (OpenAI's 400
   * `invalid_prompt`). Absent where the provider has none: a filtered prompt then gets the filtered answer.
   */
  rejectFilteredPrompt?(): ErrorAnswer;
  /** Headers every answer carries (the request id); called once per request. */
  requestHeaders(): Record<string, string>;
  /** The provider's rate-limit headers, `{}` for providers that send none. */
  rateLimitHeaders(snapshot: LimitSnapshot, nowMs: number): Record<string, string>;
  /** Headers of an answer produced after the simulated latency (processing time). */
  processingHeaders(latencyMs: number): Record<string, string>;
  /** Content type of a JSON answer. */
  jsonContentType: string;
  renderBody(exchange: Exchange<Wire>): unknown;
  renderStream(exchange: Exchange<Wire>): StreamAnswer;
  serializeStream(events: readonly StreamEvent[]): string[];
}
