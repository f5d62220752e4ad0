import type { SwitchyardConfig } from "@switchyard/config";

/**
 * The read-only dashboard login from config (`dashboard.readOnlyUsername`) and the environment variable its password
 * lives in (`dashboard.readOnlyPasswordEnv`); undefined, and so disabled, unless both are set and the variable holds
 * a password.
 */
export function readOnlyDashboardLogin(
  dashboard: SwitchyardConfig["dashboard"],
  env: Record<string, string | undefined>,
): { username: string; password: string } | undefined {
  const password = dashboard.readOnlyPasswordEnv ? env[dashboard.readOnlyPasswordEnv] : undefined;
  if (!dashboard.readOnlyUsername || !password) return undefined;
  return { username: dashboard.readOnlyUsername, password };
}
