import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@switchyard/logging";
import { parseSimConfig, type SimConfig, type SimConfigInput } from "./sim-config.js";
import { SimState } from "./sim-state.js";
import { createSimServer } from "./server.js";
import { loggable } from "./control-routes.js";
import type { SimStats } from "./sim-stats.js";
import type { SimContext } from "./sim-context.js";

export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export interface StartProviderSimOptions {
  /** 0 (the default) lets the OS pick a free port; read it back from `port` or `url`. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  config?: SimConfigInput;
  /** Silent when absent. */
  logger?: Logger;
  bodyLimitBytes?: number;
}

export interface ProviderSim {
  /**
   * `http://host:port`, without `/v1`: an OpenAI deployment's `baseUrl` is `${url}/v1`; Anthropic's SDK takes
   * `url` itself; Gemini's REST base is `${url}/v1beta`.
   */
  readonly url: string;
  readonly port: number;
  /** Replaces the live config, as `PUT /_sim/config` does. Throws a `ZodError` when invalid. */
  setConfig(config: SimConfigInput): SimConfig;
  config(): SimConfig;
  stats(): SimStats;
  /** Back to the start config with empty stats and rate-limit windows, as `POST /_sim/reset` does. */
  reset(): void;
  /** Stops listening, drops open connections and pending answers. */
  close(): Promise<void>;
}

/** Starts a provider simulator (OpenAI, Anthropic and Gemini wire formats) in this process. */
export async function startProviderSim(options: StartProviderSimOptions = {}): Promise<ProviderSim> {
  const state = new SimState(parseSimConfig(options.config));
  const logger = options.logger ?? createLogger({ service: "provider-sim", level: "silent" });
  const context: SimContext = {
    state,
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    pendingTimers: new Set(),
  };
  const server = createSimServer(context);
  const host = options.host ?? "127.0.0.1";

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  logger.info({ url, config: loggable(state.config) }, "provider-sim started");

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    setConfig: (config) => state.replaceConfig(config),
    config: () => state.config,
    stats: () => state.stats.snapshot(),
    reset: () => state.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of context.pendingTimers) clearTimeout(timer);
        context.pendingTimers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** A URL clients can dial: wildcard addresses become loopback, IPv6 literals get brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
