import { parseArgs } from "node:util";
import { z } from "zod";
import { parseSimConfig, type SimConfig } from "./sim-config.js";

export const DEFAULT_SIM_PORT = 4010;
export const DEFAULT_SIM_HOST = "127.0.0.1";

/** Unset and empty variables both mean "use the default". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const simEnvSchema = z.object({
  SIM_PORT: optional(z.coerce.number().int().min(0).max(65_535)),
  SIM_HOST: optional(z.string()),
  /** A JSON `SimConfigInput`. */
  SIM_CONFIG: optional(z.string()),
  /** Shortcut for `{ "latency": { "kind": "fixed", "ms": N } }`; wins over SIM_CONFIG's latency. */
  SIM_LATENCY_MS: optional(z.coerce.number().nonnegative()),
});

export interface SimStartOptions {
  port: number;
  host: string;
  config: SimConfig;
}

/**
 * The process's start options, parsed once at boot: command-line flags (`--port`, `--host`, `--config`,
 * `--latency-ms`) win over the environment (`SIM_PORT`, `SIM_HOST`, `SIM_CONFIG`, `SIM_LATENCY_MS`).
 * Throws with a readable message when anything is invalid.
 */
export function readStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SimStartOptions {
  const { values: flags } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      config: { type: "string" },
      "latency-ms": { type: "string" },
    },
    strict: true,
  });
  const parsed = simEnvSchema.safeParse({
    SIM_PORT: flags.port ?? env.SIM_PORT,
    SIM_HOST: flags.host ?? env.SIM_HOST,
    SIM_CONFIG: flags.config ?? env.SIM_CONFIG,
    SIM_LATENCY_MS: flags["latency-ms"] ?? env.SIM_LATENCY_MS,
  });
  if (!parsed.success) throw new Error(`invalid provider-sim options:\n${z.prettifyError(parsed.error)}`);
  const options = parsed.data;

  let configInput: Record<string, unknown> = {};
  if (options.SIM_CONFIG !== undefined) {
    try {
      configInput = JSON.parse(options.SIM_CONFIG) as Record<string, unknown>;
    } catch {
      throw new Error("invalid provider-sim options: SIM_CONFIG is not valid JSON");
    }
  }
  if (options.SIM_LATENCY_MS !== undefined) {
    configInput = { ...configInput, latency: { kind: "fixed", ms: options.SIM_LATENCY_MS } };
  }
  let config: SimConfig;
  try {
    config = parseSimConfig(configInput);
  } catch (error) {
    throw new Error(`invalid provider-sim options: SIM_CONFIG\n${error instanceof z.ZodError ? z.prettifyError(error) : String(error)}`);
  }
  return { port: options.SIM_PORT ?? DEFAULT_SIM_PORT, host: options.SIM_HOST ?? DEFAULT_SIM_HOST, config };
}
