import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { configSchema, type SwitchyardConfig } from "./config-schema.js";
import { ConfigError, interpolateEnv } from "./interpolate-env.js";

/** The config file shipped in the repository, used when SWITCHYARD_CONFIG is not set. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../../config/switchyard.yaml", import.meta.url));

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
}

/** Parses and validates config text; environment overrides (REDIS_URL, PORT, ...) are applied on top. */
export function parseConfig(text: string, env: Record<string, string | undefined> = process.env): SwitchyardConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) throw new ConfigError([`YAML syntax: ${error.message}`]);
    throw error;
  }
  // Interpolate parsed string values, not the raw text, so comments and keys are never rewritten.
  const result = configSchema.safeParse(interpolateValues(raw ?? {}, env));
  if (!result.success) throw new ConfigError(formatIssues(result.error));
  return applyEnvOverrides(result.data, env);
}

function interpolateValues(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === "string") return interpolateEnv(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateValues(item, env));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, interpolateValues(inner, env)]));
  }
  return value;
}

function applyEnvOverrides(config: SwitchyardConfig, env: Record<string, string | undefined>): SwitchyardConfig {
  const problems: string[] = [];
  const next: SwitchyardConfig = {
    ...config,
    redis: { ...config.redis },
    api: { ...config.api },
  };
  if (env.REDIS_URL) next.redis.url = env.REDIS_URL;
  if (env.SWITCHYARD_REDIS_PREFIX) {
    if (/^\{[A-Za-z0-9_-]+\}$/.test(env.SWITCHYARD_REDIS_PREFIX)) next.redis.prefix = env.SWITCHYARD_REDIS_PREFIX;
    else problems.push("SWITCHYARD_REDIS_PREFIX: must be a hash tag such as {sy}");
  }
  if (env.PORT) {
    const port = Number(env.PORT);
    if (Number.isInteger(port) && port >= 0 && port <= 65535) next.api.port = port;
    else problems.push(`PORT: "${env.PORT}" is not a port number`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return next;
}

/** Loads the file named by SWITCHYARD_CONFIG (or the shipped default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): SwitchyardConfig {
  const path = env.SWITCHYARD_CONFIG || DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`cannot read config file ${path}: ${(error as Error).message}`]);
  }
  try {
    return parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.problems.map((p) => `${path}: ${p}`));
    throw error;
  }
}
