import type { CacheMode, ChatRequest, Classification } from "@switchyard/contracts";
import type { ResilienceConfig } from "@switchyard/config";

export interface CachePolicy {
  mode: CacheMode;
  /** Only entries produced by private deployments may be served (and only private answers stored). */
  privateOnly: boolean;
}

/**
 * How one request may use the response cache. A private (PII) request's answers are cached only when the config
 * allows it, and then only answers from private deployments are read or written, so the cache can never hand a
 * private request something a public deployment produced, nor keep PII the operator did not allow.
 */
export function cachePolicy(request: ChatRequest, classification: Classification, cache: ResilienceConfig["cache"]): CachePolicy {
  const privateOnly = classification.tier === "private" || request.constraints?.requiresLocal === true;
  const mode = privateOnly && !cache.allowPrivate ? "off" : (request.cache ?? cache.defaultMode);
  return { mode, privateOnly };
}
