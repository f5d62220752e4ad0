import { writeFileSync } from "node:fs";

/** One of the rate-limited deployments: the same rpm and tpm in Switchyard's config and in the simulator. */
export interface LimitedDeployment {
  id: string;
  /** The model id it sends, which the simulator limits (its windows are per model id). */
  model: string;
  /** Requests per window. */
  rpm: number;
  /** Tokens per window, as the simulator charges them: prompt tokens + max_tokens. */
  tpm: number;
  /** Requests per window the tighter of the two allows: min(rpm, ⌊tpm / tokensPerRequest⌋). */
  bindingRequests: number;
  binds: "rpm" | "tpm";
}

export interface RateLimitFleet {
  windowMs: number;
  /** What every bench request costs against tpm: the simulator's prompt count + max_tokens. */
  promptTokens: number;
  maxOutputTokens: number;
  tokensPerRequest: number;
  deployments: LimitedDeployment[];
}

/**
 * A short window keeps the scenario at about half a minute a run. Both the simulator's `limitWindowMs` and
 * the deployments' `limits.windowMs` are set to it, so "rpm" and "tpm" below mean "per 10 s".
 */
export const RATE_LIMIT_WINDOW_MS = 10_000;

/** A prompt long enough that tokens, not only requests, matter, with a larger output cap, as real traffic has. */
export const RATE_LIMIT_MESSAGES = [
  {
    role: "user",
    content:
      "Summarize in two sentences why a fixed-window rate limit lets a client send its whole budget in a burst " +
      "right after the window opens, and what a client that shares one API key across several processes must do " +
      "so that together they never exceed it.",
  },
];
export const RATE_LIMIT_MAX_OUTPUT_TOKENS = 200;

/** Requests per window either deployment may send (rpm); the second one's tpm holds it to fewer. */
const REQUESTS_PER_WINDOW = 120;
const TPM_BOUND_REQUESTS = 80;

/**
 * Two deployments with the same rpm: `rl-rpm` has tokens to spare (tpm allows 4× its rpm), so its request
 * budget binds; `rl-tpm`'s tpm is exactly `TPM_BOUND_REQUESTS` requests' tokens, so its token budget binds
 * first. `promptTokens` is the simulator's own count of `RATE_LIMIT_MESSAGES` (`simPromptTokens`), so the
 * budgets are whole requests as the simulator charges them.
 */
export function rateLimitFleet(promptTokens: number): RateLimitFleet {
  const tokensPerRequest = promptTokens + RATE_LIMIT_MAX_OUTPUT_TOKENS;
  const deployment = (id: string, model: string, rpm: number, tpm: number): LimitedDeployment => {
    const byTokens = Math.floor(tpm / tokensPerRequest);
    return { id, model, rpm, tpm, bindingRequests: Math.min(rpm, byTokens), binds: byTokens < rpm ? "tpm" : "rpm" };
  };
  return {
    windowMs: RATE_LIMIT_WINDOW_MS,
    promptTokens,
    maxOutputTokens: RATE_LIMIT_MAX_OUTPUT_TOKENS,
    tokensPerRequest,
    deployments: [
      deployment("rl-rpm", "bench-rpm-bound", REQUESTS_PER_WINDOW, 4 * REQUESTS_PER_WINDOW * tokensPerRequest),
      deployment("rl-tpm", "bench-tpm-bound", REQUESTS_PER_WINDOW, TPM_BOUND_REQUESTS * tokensPerRequest),
    ],
  };
}

/**
 * The simulator's start config (SIM_CONFIG): each model limited as its deployment says, and calls that take
 * as long as model calls do (lognormal, median 300 ms, p99 2 s). The spread matters: answers come back in
 * another order than the calls went out, so the last rate-limit headers received are not always the latest
 * the provider sent, as with a real provider.
 */
export function rateLimitSimConfig(fleet: RateLimitFleet) {
  return {
    latency: { kind: "lognormal", medianMs: 300, p99Ms: 2_000 },
    models: Object.fromEntries(
      fleet.deployments.map((deployment) => [deployment.model, { rpm: deployment.rpm, tpm: deployment.tpm, limitWindowMs: fleet.windowMs }]),
    ),
  };
}

/**
 * The scenario's Switchyard config (SWITCHYARD_CONFIG; JSON is YAML). Requests name their deployment, and
 * neither fallbacks (`maxFallbacks: 0`) nor the response cache (`off`: every request has the same prompt)
 * can serve them elsewhere, so each deployment works through its own backlog and what is measured is the
 * limiter, not the cascade. A 429 is handled as shipped (wait for the provider's retry-after, up to three
 * calls, then the retry queue).
 */
export function rateLimitConfig(simUrl: string, fleet: RateLimitFleet) {
  return {
    resilience: { maxFallbacks: 0, cache: { defaultMode: "off" } },
    deployments: fleet.deployments.map((deployment) => ({
      id: deployment.id,
      provider: "openai",
      format: "openai-chat",
      model: deployment.model,
      baseUrl: `${simUrl}/v1`,
      pricePer1kInputUsd: 0.0004,
      pricePer1kOutputUsd: 0.0016,
      contextWindowTokens: 1_047_576,
      typicalLatencyMs: 900,
      quality: { general: 0.8 },
      limits: { rpm: deployment.rpm, tpm: deployment.tpm, concurrency: 32, windowMs: fleet.windowMs },
    })),
  };
}

export function writeRateLimitConfig(path: string, simUrl: string, fleet: RateLimitFleet): void {
  writeFileSync(path, `${JSON.stringify(rateLimitConfig(simUrl, fleet), null, 2)}\n`);
}
