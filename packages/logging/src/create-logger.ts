import { pino, type Logger, type LoggerOptions } from "pino";

/**
 * Paths that must never reach a log line in clear: credentials and prompt/completion text.
 * Log request ids and job ids instead; the record in Redis holds the content.
 */
export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.headers['x-api-key']",
  "messages",
  "*.messages",
  "*.*.messages",
  "prompt",
  "*.prompt",
  "content",
  "*.content",
  "*.*.content",
];

export interface CreateLoggerOptions {
  /** The process's role, e.g. `api`, `worker`, `provider-sim`. */
  service: string;
  level?: string;
  destination?: pino.DestinationStream;
}

/** A pino JSON logger. One per process; children carry `requestId` and `jobId`. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: { service: options.service, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

export type { Logger };
