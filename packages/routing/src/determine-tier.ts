import type { Complexity, Tier, Urgency } from "@switchyard/contracts";

export interface TierInput {
  containsPii: boolean;
  complexity: Complexity;
  urgency: Urgency;
  /** `constraints.requiresLocal` from the request. */
  requiresLocal?: boolean;
}

/**
 * The seed guide's rule, first match wins:
 *   1. PII or `requiresLocal` → `private`. Always first: no urgency or complexity may move a request
 *      with personal data to a tier whose deployments could be public.
 *   2. `batch` urgency → `batch`. The caller said it can wait, so even hard requests take the cheap queue.
 *   3. high complexity → `premium`.
 *   4. `realtime` urgency → `fast`. After premium: a hard request is better slow than wrong.
 *   5. otherwise → `standard` (urgency `high`, `normal` and `low` included).
 */
export function determineTier(input: TierInput): Tier {
  if (input.containsPii || input.requiresLocal === true) return "private";
  if (input.urgency === "batch") return "batch";
  if (input.complexity === "high") return "premium";
  if (input.urgency === "realtime") return "fast";
  return "standard";
}
