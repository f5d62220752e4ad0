import type { Tier } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";

export interface FallbackChainInput {
  primary: DeploymentConfig;
  /**
   * Every deployment that may serve the request, best first: the dispatcher's ranking without the requested-model
   * restriction, so it has already passed every hard constraint (privacy first) and skips open circuits.
   */
  pool: readonly DeploymentConfig[];
  tier: Tier;
  /** `config.fallbacks`: chains keyed by a deployment id (the primary's route) or by a tier. */
  configured: Readonly<Record<string, readonly string[]>>;
  maxFallbacks: number;
}

/**
 * The deployments to fall back to after the primary, in order. A configured chain wins: the primary's own
 * (per route), else the tier's; it keeps only what the pool allows, so config can never send a private
 * request to a public deployment or to an open circuit. Without one the chain is derived from the pool: the
 * best-ranked deployment of another provider first (a secondary with similar capability that does not share
 * the primary's outage), then the rest in rank order. At most `maxFallbacks` long.
 */
export function buildFallbackChain(input: FallbackChainInput): string[] {
  const { primary, pool, tier, configured, maxFallbacks } = input;
  const allowed = new Set(pool.map((deployment) => deployment.id));
  allowed.delete(primary.id);
  // Own keys only: a deployment may be called `constructor`, which every plain object inherits.
  const chainFor = (key: string) => (Object.hasOwn(configured, key) ? configured[key] : undefined);
  const chosen = chainFor(primary.id) ?? chainFor(tier);
  const chain = chosen ? chosen.filter((id) => allowed.has(id)) : derivedChain(primary, pool);
  return [...new Set(chain)].slice(0, maxFallbacks);
}

function derivedChain(primary: DeploymentConfig, pool: readonly DeploymentConfig[]): string[] {
  const rest = pool.filter((deployment) => deployment.id !== primary.id);
  const secondary = rest.find((deployment) => deployment.provider !== primary.provider);
  const ordered = secondary ? [secondary, ...rest.filter((deployment) => deployment !== secondary)] : rest;
  return ordered.map((deployment) => deployment.id);
}
