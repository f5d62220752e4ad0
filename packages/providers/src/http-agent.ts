import { Agent, type Dispatcher } from "undici";

export interface HttpAdapterOptions {
  /**
   * The undici dispatcher to send through. When injected, its owner closes it; when absent, the adapter (or
   * registry) creates one keep-alive `Agent` and closes it in `close()`.
   */
  dispatcher?: Dispatcher;
  /** Pooled connections per origin for the agent created here. Default 256. */
  connections?: number;
  /** TCP + TLS connect timeout. Default 10 000. */
  connectTimeoutMs?: number;
  /** Overrides `deployment.timeoutMs` as the wait for response headers; mostly for tests. */
  headersTimeoutMs?: number;
  /** Overrides `deployment.timeoutMs` as the longest pause between body chunks; mostly for tests. */
  bodyTimeoutMs?: number;
}

export const DEFAULT_CONNECTIONS_PER_ORIGIN = 256;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * One keep-alive pool per origin, shared by every call: a provider worker runs up to
 * `limits.concurrency` calls at once, and opening a TCP/TLS connection per call would dominate latency.
 */
export function createHttpAgent(options: HttpAdapterOptions = {}): Agent {
  return new Agent({
    connections: options.connections ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    connect: { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
  });
}
