import type { ChatRequest, ChatResult, ChatStreamEvent } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";

/** The wire formats a deployment may speak (`DeploymentConfig["format"]`); one adapter each. */
export type ProviderFormat = DeploymentConfig["format"];

export interface ProviderCallOptions {
  deployment: DeploymentConfig;
  /** Sent as the provider expects (a bearer token for OpenAI chat); no auth header when absent. */
  apiKey?: string;
  request: ChatRequest;
  /** Cancels the call; the adapter adds its own deadline of `deployment.timeoutMs`. */
  signal?: AbortSignal;
}

/**
 * What every provider adapter implements. `chat` resolves to a normalized `ChatResult` or rejects with a
 * `ProviderError` (from `@switchyard/contracts`); nothing else ever escapes, so the worker can turn any
 * failure into queue behaviour by its `kind` alone.
 */
export interface ProviderAdapter {
  readonly format: ProviderFormat;
  chat(options: ProviderCallOptions): Promise<ChatResult>;
  /**
   * The same call, streamed: the provider's server-sent events as normalized events, ending with one
   * `finish`. Errors before the first event reject like `chat`; later ones throw from the iterator, always
   * as `ProviderError`. Optional until every adapter streams.
   */
  stream?(options: ProviderCallOptions): AsyncIterable<ChatStreamEvent>;
  /** Releases pooled connections the adapter owns. */
  close(): Promise<void>;
}
