import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJson, readBody, sendJson } from "../http-io.js";
import { sampleLatencyMs } from "../latency.js";
import { outageStatusAt, type ModelBehaviour } from "../model-behaviour.js";
import { CLIENT_CLOSED_STATUS } from "../sim-stats.js";
import type { LimitSettings, LimitSnapshot } from "../limits/rate-limiter.js";
import type { SimContext } from "../sim-context.js";
import { planReplies, totalOutputTokens } from "./plan-replies.js";
import type { SimTurn } from "./sim-turn.js";
import type { ErrorAnswer, SimFault, WireFormat } from "./wire-format.js";
import { INVALID_JSON_EVENT_DATA, writeJsonAnswer, writeStreamAnswer, type BodyMode } from "./write-answer.js";

/**
 * One generation request, whatever its wire format, in the order a real provider works:
 * headers (key) → body (size, JSON, schema) → model → outage → context window → rate limits → injected error
 * → simulated latency → answer (text, tool call or filtered — or, with `contentFilterRejectsPrompt`, the format's
 * flagged-prompt error; body delivered normally or by a fault knob).
 * Limiter 429s and outages answer at once, as a provider's front door does; injected errors wait out the latency.
 * Prompt text is never logged.
 */
export async function handleGeneration<Wire>(
  request: IncomingMessage,
  response: ServerResponse,
  context: SimContext,
  format: WireFormat<Wire>,
): Promise<void> {
  const { state } = context;
  const baseHeaders = format.requestHeaders();
  const reject = (answer: ErrorAnswer, model?: string, extraHeaders: Record<string, string> = {}) => {
    state.stats.record(model, answer.status);
    sendJson(response, answer.status, answer.body, {
      "content-type": format.jsonContentType,
      ...baseHeaders,
      ...extraHeaders,
      ...answer.headers,
    });
  };

  const headerError = format.checkHeaders(request, state.config.requireApiKey);
  if (headerError) return reject(headerError);

  const body = await readBody(request, context.bodyLimitBytes);
  if (!body.ok) {
    if (body.reason === "aborted") return;
    return reject(format.renderFault({ kind: "body_too_large", limitBytes: context.bodyLimitBytes }), undefined, {
      connection: "close",
    });
  }
  const json = parseJson(body.text);
  if (json === undefined) return reject(format.renderFault({ kind: "invalid_json" }));
  const parsed = format.parse(json);
  if (!parsed.ok) return reject(parsed.error, parsed.model);

  const { wire, turn } = parsed;
  const model = turn.model;
  if (!state.isModelAllowed(model)) return reject(format.renderFault({ kind: "model_not_found", model }), model);

  const behaviour = state.behaviourFor(model);
  const nowMs = Date.now();
  const faultAnswer = (fault: SimFault, headers: Record<string, string> = {}) =>
    reject(format.renderFault(fault), model, headers);

  const outageStatus = outageStatusAt(behaviour, nowMs - state.startedAtMs, nowMs);
  if (outageStatus !== undefined) {
    state.stats.recordFault("outage");
    return faultAnswer(statusFault(outageStatus, model, behaviour));
  }
  if (behaviour.contextWindowTokens !== undefined && turn.promptTokens > behaviour.contextWindowTokens) {
    state.stats.recordFault("context_length");
    return faultAnswer({
      kind: "context_length",
      model,
      promptTokens: turn.promptTokens,
      contextWindowTokens: behaviour.contextWindowTokens,
    });
  }

  const limits = limitSettings(behaviour);
  const admission = state.limiter.admit(model, limits, tokenCharge(turn), nowMs);
  if (!admission.admitted) {
    state.stats.recordFault("rate_limited");
    const limitHeaders = format.rateLimitHeaders(admission.rejection.snapshot, nowMs);
    return faultAnswer({ kind: "rate_limited", model, rejection: admission.rejection }, limitHeaders);
  }
  if (admission.tracksConcurrency) response.once("close", () => state.limiter.release(model));

  const injected = behaviour.errorRate > 0 && state.random() < behaviour.errorRate;
  const latencyMs = sampleLatencyMs(behaviour.latency, () => state.random());

  const answer = () => {
    const timingHeaders = format.processingHeaders(latencyMs);
    if (injected) {
      state.stats.recordFault("injected_error");
      const limitHeaders = format.rateLimitHeaders(admission.snapshot, nowMs);
      return faultAnswer(statusFault(behaviour.errorStatus, model, behaviour), { ...limitHeaders, ...timingHeaders });
    }
    const replies = planReplies(turn, behaviour.contentFilterPhrase);
    if (replies[0]?.kind === "filtered") {
      state.stats.recordFault("content_filter");
      if (behaviour.contentFilterRejectsPrompt && format.rejectFilteredPrompt) {
        const limitHeaders = format.rateLimitHeaders(admission.snapshot, nowMs);
        return reject(format.rejectFilteredPrompt(), model, { ...limitHeaders, ...timingHeaders });
      }
    }
    let snapshot: LimitSnapshot = admission.snapshot;
    if (turn.maxOutputTokens === undefined) {
      snapshot = state.limiter.chargeOutput(model, limits, totalOutputTokens(replies), Date.now());
    }
    const headers = {
      ...baseHeaders,
      ...format.rateLimitHeaders(snapshot, Date.now()),
      ...timingHeaders,
    };
    const mode = drawBodyMode(behaviour, () => state.random());
    if (mode !== "normal") state.stats.recordFault(BODY_MODE_FAULT[mode]);
    state.stats.record(model, 200);

    const exchange = { wire, turn, replies, nowMs: Date.now() };
    if (turn.stream) {
      const stream = format.renderStream(exchange);
      const events = stream.events;
      if (mode === "invalid_json" && events.length > 0) {
        const middle = Math.floor(events.length / 2);
        events[middle] = { ...events[middle], data: INVALID_JSON_EVENT_DATA };
      }
      const frames = format.serializeStream(events);
      const streamHeaders = { ...headers, "content-type": stream.contentType };
      return writeStreamAnswer(response, streamHeaders, frames, mode, behaviour.slowBodyMs, context);
    }
    const payload = JSON.stringify(format.renderBody(exchange));
    const jsonHeaders = { ...headers, "content-type": format.jsonContentType };
    writeJsonAnswer(response, jsonHeaders, payload, mode, behaviour.slowBodyMs, context);
  };

  if (latencyMs <= 0) return answer();
  const timer = setTimeout(() => {
    context.pendingTimers.delete(timer);
    answer();
  }, latencyMs);
  context.pendingTimers.add(timer);
  response.once("close", () => {
    if (!context.pendingTimers.delete(timer)) return; // answered already
    clearTimeout(timer);
    state.stats.record(model, CLIENT_CLOSED_STATUS);
  });
}

const BODY_MODE_FAULT = { slow: "slow_body", partial: "partial_body", invalid_json: "invalid_json" } as const;

function statusFault(status: ModelBehaviour["errorStatus"], model: string, behaviour: ModelBehaviour): SimFault {
  return { kind: "status", status, model, retryAfterMs: behaviour.retryAfterMs, quotaExhausted: behaviour.quotaExhausted };
}

/** Draws only for the knobs that are on, so a default config draws exactly what it always did. */
function drawBodyMode(behaviour: ModelBehaviour, random: () => number): BodyMode {
  if (behaviour.partialBodyRate > 0 && random() < behaviour.partialBodyRate) return "partial";
  if (behaviour.invalidJsonRate > 0 && random() < behaviour.invalidJsonRate) return "invalid_json";
  if (behaviour.slowBodyRate > 0 && random() < behaviour.slowBodyRate) return "slow";
  return "normal";
}

function limitSettings(behaviour: ModelBehaviour): LimitSettings {
  return {
    requestsPerWindow: behaviour.rpm,
    tokensPerWindow: behaviour.tpm,
    maxConcurrent: behaviour.maxConcurrent,
    windowMs: behaviour.limitWindowMs,
    concurrencyRetryAfterMs: behaviour.retryAfterMs,
  };
}

/** As providers estimate a request at admission: its prompt, plus the room it asked for in every choice. */
function tokenCharge(turn: SimTurn) {
  return { inputTokens: turn.promptTokens, outputTokens: (turn.maxOutputTokens ?? 0) * turn.choiceCount };
}
