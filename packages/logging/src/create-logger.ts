import { pino, type Logger, type LoggerOptions } from "pino";
import { redactLogObject } from "./redact-log-object.js";
import { scrubSecrets } from "./secret-patterns.js";

export interface CreateLoggerOptions {
  /** The process's role, e.g. `api`, `worker`, `provider-sim`. */
  service: string;
  level?: string;
  destination?: pino.DestinationStream;
  /**
   * Keep prompt and completion text in log lines, for debugging; `SWITCHYARD_LOG_PROMPTS=true` when absent.
   * Credentials are redacted either way.
   */
  logPrompts?: boolean;
}

/** Whether the environment asks for prompt text in logs (off unless exactly `true` or `1`). */
export function logPromptsFromEnv(env: Record<string, string | undefined> = process.env): boolean {
  const value = env.SWITCHYARD_LOG_PROMPTS?.trim().toLowerCase();
  return value === "true" || value === "1";
}

/**
 * A pino JSON logger. One per process; children carry `requestId` and `jobId`. Log request ids and job ids, not
 * content: the record in Redis holds it. As a safety net every line is redacted on the way out (credentials always,
 * prompt/completion text unless `logPrompts`), at any depth, by field name and by the shape of known secrets; see
 * redact-log-object.ts. pino's path-based `redact` cannot do either (its wildcards cover one level).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const redactOptions = { logPrompts: options.logPrompts ?? logPromptsFromEnv() };
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactLogObject(object, redactOptions),
      bindings: (bindings) => redactLogObject(bindings, redactOptions),
    },
    // The message string too: an interpolated message may quote a header or a URL with a key in it.
    serializers: {
      msg: (message: unknown) => (typeof message === "string" ? scrubSecrets(message) : message),
      // `formatters.log` has serialised errors already (so it could redact them); pino's would re-label them.
      err: (error: unknown) => error,
    },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

export type { Logger };
