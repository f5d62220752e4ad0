import type { DeploymentConfig } from "@switchyard/config";

/**
 * The deployment's API key, read from the environment variable its config names. Keys live only in the
 * environment, never in config or job data; an empty variable counts as unset.
 */
export function resolveApiKey(
  deployment: Pick<DeploymentConfig, "apiKeyEnv">,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (deployment.apiKeyEnv === undefined) return undefined;
  const apiKey = env[deployment.apiKeyEnv];
  return apiKey === undefined || apiKey === "" ? undefined : apiKey;
}
