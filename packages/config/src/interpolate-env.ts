/**
 * Replaces `${NAME}` and `${NAME:-default}` in a config string with environment values, so one shipped file
 * works for the local stack, tests and production. An unset variable without a default is an error.
 */
export function interpolateEnv(text: string, env: Record<string, string | undefined>): string {
  // Innermost references first, so a default may itself be a reference: ${A:-${B:-x}}.
  const innermost = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}$]*))?\}/g;
  let current = text;
  for (let depth = 0; depth < 8; depth++) {
    const next = current.replace(innermost, (_match, name: string, fallback?: string) => {
      const value = env[name];
      if (value !== undefined && value !== "") return value;
      if (fallback !== undefined) return fallback;
      throw new ConfigError([`environment variable ${name} is referenced by the config but not set`]);
    });
    if (next === current) return next;
    current = next;
  }
  return current;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid Switchyard config:\n  - ${problems.join("\n  - ")}`);
  }
}
