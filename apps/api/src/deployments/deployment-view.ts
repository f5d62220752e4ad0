import type { DeploymentConfig } from "@switchyard/config";
import type { RateLimitState } from "@switchyard/contracts";
import type { CircuitSnapshot } from "@switchyard/queue";
import { toSnake } from "../http/to-snake.js";

/**
 * The public JSON of a deployment: what routing knows about it from the config (never its base URL or key
 * variable), its fleet-wide circuit, and the rate-limit state its provider last reported (`null` when none is
 * current). Fields that do not apply are `null` rather than absent, so every entry has the same shape.
 */
export function deploymentView(
  deployment: DeploymentConfig,
  circuit: CircuitSnapshot,
  rateLimit: RateLimitState | undefined,
): Record<string, unknown> {
  return {
    object: "deployment",
    id: deployment.id,
    provider: deployment.provider,
    format: deployment.format,
    model: deployment.model,
    private: deployment.private,
    enabled: deployment.enabled,
    context_window_tokens: deployment.contextWindowTokens,
    typical_latency_ms: deployment.typicalLatencyMs,
    price_per_1k_input_usd: deployment.pricePer1kInputUsd,
    price_per_1k_output_usd: deployment.pricePer1kOutputUsd,
    circuit: {
      state: circuit.state,
      failures: circuit.failures,
      calls: circuit.calls,
      opened_at_ms: circuit.openedAtMs ?? null,
      retry_at_ms: circuit.retryAtMs ?? null,
      opened_total: circuit.openedTotal,
    },
    rate_limit: rateLimit === undefined ? null : toSnake(rateLimit),
  };
}
