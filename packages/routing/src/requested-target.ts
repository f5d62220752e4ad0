import type { DeploymentConfig } from "@switchyard/config";

/** `model: "auto"` (or no model) lets the router choose. */
export const AUTO_MODEL = "auto";

/**
 * What a request's `model` asks for: specific deployments (a deployment id, or a provider model id several
 * deployments may serve), one pool's members (its name), or nothing in particular (`auto`, absent, or a name
 * nothing knows: OpenAI clients send their own model names, and Switchyard's job is to pick). A deployment's own
 * id or model wins over a pool of the same name.
 */
export type RequestedTarget = { kind: "any" } | { kind: "deployments"; model: string } | { kind: "pool"; name: string; members: ReadonlySet<string> };

export function requestedTarget(
  requestedModel: string | undefined,
  deployments: readonly Pick<DeploymentConfig, "id" | "model">[],
  pools: Readonly<Record<string, { deployments: readonly string[] }>> = {},
): RequestedTarget {
  if (requestedModel === undefined || requestedModel === AUTO_MODEL) return { kind: "any" };
  if (deployments.some((deployment) => deployment.id === requestedModel || deployment.model === requestedModel)) {
    return { kind: "deployments", model: requestedModel };
  }
  const pool = Object.hasOwn(pools, requestedModel) ? pools[requestedModel] : undefined;
  if (pool) return { kind: "pool", name: requestedModel, members: new Set(pool.deployments) };
  return { kind: "any" };
}
