import type { Budget, LimitSnapshot } from "../limits/rate-limiter.js";

/**
 * Anthropic's `anthropic-ratelimit-*` headers. Resets are RFC 3339 instants (whole seconds, rounded up, as
 * Anthropic sends them); input and output token budgets share the `tpm` limit, `tokens` is their sum.
 */
export function anthropicRateLimitHeaders(snapshot: LimitSnapshot): Record<string, string> {
  return {
    ...budgetHeaders("requests", snapshot.requests),
    ...budgetHeaders("tokens", snapshot.tokens),
    ...budgetHeaders("input-tokens", snapshot.inputTokens),
    ...budgetHeaders("output-tokens", snapshot.outputTokens),
  };
}

function budgetHeaders(name: string, budget: Budget): Record<string, string> {
  return {
    [`anthropic-ratelimit-${name}-limit`]: String(budget.limit),
    [`anthropic-ratelimit-${name}-remaining`]: String(budget.remaining),
    [`anthropic-ratelimit-${name}-reset`]: rfc3339Seconds(budget.resetAtMs),
  };
}

function rfc3339Seconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
