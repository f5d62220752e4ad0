/**
 * Per-model request, token and concurrency budgets, enforced like a provider's front door: a fixed window per
 * model id that opens with the first request after the previous one ended (so `reset` is "when the whole
 * budget is back", which is what OpenAI's `x-ratelimit-reset-*` and Anthropic's `*-reset` headers mean).
 *
 * Tokens are charged at admission as the provider estimates them: prompt tokens plus the output the request
 * asked room for (`max_tokens` × choices). A request that sets no output cap is charged its prompt at
 * admission and its actual output when the answer is built (`chargeOutput`). Nothing is refunded.
 *
 * Pure over an injected clock (`nowMs` arguments), so it is tested without a server.
 */
export interface LimitSettings {
  requestsPerWindow: number | undefined;
  tokensPerWindow: number | undefined;
  maxConcurrent: number | undefined;
  windowMs: number;
  /** What a concurrency rejection asks the client to wait: there is no window end to point at. */
  concurrencyRetryAfterMs: number;
}

export interface TokenCharge {
  inputTokens: number;
  outputTokens: number;
}

export interface Budget {
  limit: number;
  remaining: number;
  resetAtMs: number;
}

/** The model's budgets after the request at hand, as the rate-limit headers report them. */
export interface LimitSnapshot {
  requests: Budget;
  tokens: Budget;
  inputTokens: Budget;
  outputTokens: Budget;
}

export type LimitedResource = "requests" | "tokens" | "concurrency";

export interface LimitRejection {
  resource: LimitedResource;
  limit: number;
  used: number;
  requested: number;
  retryAfterMs: number;
  /** The request alone is over the whole budget: waiting will not help (OpenAI's "Request too large"). */
  exceedsWholeBudget: boolean;
  snapshot: LimitSnapshot;
}

export type Admission =
  | { admitted: true; snapshot: LimitSnapshot; tracksConcurrency: boolean }
  | { admitted: false; rejection: LimitRejection };

/**
 * Shown in headers when a model has no limit configured: never enforced, and far above any load a test or benchmark
 * sends, so a client that honours headers is never held back by them; present, so clients that read
 * rate-limit headers always find numbers.
 */
export const UNENFORCED_REQUESTS_LIMIT = 1_000_000;
export const UNENFORCED_TOKENS_LIMIT = 1_000_000_000;

const MAX_TRACKED_MODELS = 10_000;

interface ModelWindow {
  startMs: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  inFlight: number;
}

export class RateLimiter {
  #windows = new Map<string, ModelWindow>();

  admit(model: string, settings: LimitSettings, charge: TokenCharge, nowMs: number): Admission {
    const window = this.#window(model, settings.windowMs, nowMs);
    const resetInMs = Math.max(1, window.startMs + settings.windowMs - nowMs);

    if (settings.maxConcurrent !== undefined && window.inFlight >= settings.maxConcurrent) {
      return this.#reject(window, settings, {
        resource: "concurrency",
        limit: settings.maxConcurrent,
        used: window.inFlight,
        requested: 1,
        retryAfterMs: settings.concurrencyRetryAfterMs,
        exceedsWholeBudget: false,
      });
    }
    if (settings.requestsPerWindow !== undefined && window.requests + 1 > settings.requestsPerWindow) {
      return this.#reject(window, settings, {
        resource: "requests",
        limit: settings.requestsPerWindow,
        used: window.requests,
        requested: 1,
        retryAfterMs: resetInMs,
        exceedsWholeBudget: false,
      });
    }
    const requestedTokens = charge.inputTokens + charge.outputTokens;
    const usedTokens = window.inputTokens + window.outputTokens;
    if (settings.tokensPerWindow !== undefined && usedTokens + requestedTokens > settings.tokensPerWindow) {
      return this.#reject(window, settings, {
        resource: "tokens",
        limit: settings.tokensPerWindow,
        used: usedTokens,
        requested: requestedTokens,
        retryAfterMs: resetInMs,
        exceedsWholeBudget: requestedTokens > settings.tokensPerWindow,
      });
    }

    window.requests++;
    window.inputTokens += charge.inputTokens;
    window.outputTokens += charge.outputTokens;
    const tracksConcurrency = settings.maxConcurrent !== undefined;
    if (tracksConcurrency) window.inFlight++;
    return { admitted: true, snapshot: snapshotOf(window, settings), tracksConcurrency };
  }

  /** Ends an admitted request that counted against `maxConcurrent`. */
  release(model: string): void {
    const window = this.#windows.get(model);
    if (window && window.inFlight > 0) window.inFlight--;
  }

  /** Charges output tokens learned only after admission (requests without an output cap). */
  chargeOutput(model: string, settings: LimitSettings, outputTokens: number, nowMs: number): LimitSnapshot {
    const window = this.#window(model, settings.windowMs, nowMs);
    window.outputTokens += outputTokens;
    return snapshotOf(window, settings);
  }

  reset(): void {
    this.#windows.clear();
  }

  #window(model: string, windowMs: number, nowMs: number): ModelWindow {
    let window = this.#windows.get(model);
    if (!window) {
      // Model ids come from clients; a flood of distinct ones must not grow this without bound.
      if (this.#windows.size >= MAX_TRACKED_MODELS) this.#windows.clear();
      window = { startMs: nowMs, requests: 0, inputTokens: 0, outputTokens: 0, inFlight: 0 };
      this.#windows.set(model, window);
    } else if (nowMs - window.startMs >= windowMs) {
      window.startMs = nowMs;
      window.requests = 0;
      window.inputTokens = 0;
      window.outputTokens = 0;
    }
    return window;
  }

  #reject(window: ModelWindow, settings: LimitSettings, rejection: Omit<LimitRejection, "snapshot">): Admission {
    return { admitted: false, rejection: { ...rejection, snapshot: snapshotOf(window, settings) } };
  }
}

function snapshotOf(window: ModelWindow, settings: LimitSettings): LimitSnapshot {
  const resetAtMs = window.startMs + settings.windowMs;
  const requestLimit = settings.requestsPerWindow ?? UNENFORCED_REQUESTS_LIMIT;
  const tokenLimit = settings.tokensPerWindow ?? UNENFORCED_TOKENS_LIMIT;
  const budget = (limit: number, used: number): Budget => ({ limit, remaining: Math.max(0, limit - used), resetAtMs });
  return {
    requests: budget(requestLimit, window.requests),
    tokens: budget(tokenLimit, window.inputTokens + window.outputTokens),
    inputTokens: budget(tokenLimit, window.inputTokens),
    outputTokens: budget(tokenLimit, window.outputTokens),
  };
}
