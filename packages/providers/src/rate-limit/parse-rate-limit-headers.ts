import type { IncomingHttpHeaders } from "node:http";
import type { RateLimitState, RateLimitWindow } from "@switchyard/contracts";
import { parseGoDurationMs } from "./parse-go-duration.js";
import { parseRetryAfterMs } from "./parse-retry-after.js";

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function window(limit: number | undefined, remaining: number | undefined, resetAtMs: number | undefined): RateLimitWindow | undefined {
  if (limit === undefined && remaining === undefined && resetAtMs === undefined) return undefined;
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetAtMs !== undefined ? { resetAtMs } : {}),
  };
}

/** OpenAI: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as Go durations from now. */
function openAiWindow(headers: IncomingHttpHeaders, kind: "requests" | "tokens", nowMs: number): RateLimitWindow | undefined {
  const resetMs = parseGoDurationMs(header(headers, `x-ratelimit-reset-${kind}`));
  return window(
    count(header(headers, `x-ratelimit-limit-${kind}`)),
    count(header(headers, `x-ratelimit-remaining-${kind}`)),
    resetMs === undefined ? undefined : nowMs + resetMs,
  );
}

/** Anthropic: `anthropic-ratelimit-<kind>-{limit,remaining,reset}`, resets as RFC 3339 instants. */
function anthropicWindow(headers: IncomingHttpHeaders, kind: string): RateLimitWindow | undefined {
  const reset = header(headers, `anthropic-ratelimit-${kind}-reset`);
  const resetAtMs = reset === undefined ? undefined : Date.parse(reset);
  return window(
    count(header(headers, `anthropic-ratelimit-${kind}-limit`)),
    count(header(headers, `anthropic-ratelimit-${kind}-remaining`)),
    resetAtMs === undefined || Number.isNaN(resetAtMs) ? undefined : resetAtMs,
  );
}

/**
 * Everything a provider's headers say about its rate limits, normalized; `undefined` when it said
 * nothing. Both header families are read, so OpenAI-compatible proxies in front of Anthropic work too.
 */
export function parseRateLimitHeaders(headers: IncomingHttpHeaders, nowMs: number = Date.now()): RateLimitState | undefined {
  const requests = openAiWindow(headers, "requests", nowMs) ?? anthropicWindow(headers, "requests");
  const tokens = openAiWindow(headers, "tokens", nowMs) ?? anthropicWindow(headers, "tokens");
  const inputTokens = anthropicWindow(headers, "input-tokens");
  const outputTokens = anthropicWindow(headers, "output-tokens");
  const retryAfterMs = parseRetryAfterMs(headers, nowMs);
  if (!requests && !tokens && !inputTokens && !outputTokens && retryAfterMs === undefined) return undefined;
  return {
    observedAtMs: nowMs,
    ...(requests ? { requests } : {}),
    ...(tokens ? { tokens } : {}),
    ...(inputTokens ? { inputTokens } : {}),
    ...(outputTokens ? { outputTokens } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
