import { ProviderError } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";

/**
 * A request that Anthropic's Messages API cannot express faithfully (a temperature above 1, tool arguments
 * that are not JSON, ...): a `bad_request` that never reached the provider, so it has no `httpStatus`.
 * Changing the request's meaning silently (clamping, dropping) would be worse than failing it.
 */
export function requestNotExpressible(message: string, context: ProviderErrorContext): ProviderError {
  return new ProviderError({
    kind: "bad_request",
    message: `cannot express the request for Anthropic: ${message}`,
    provider: context.provider,
    deploymentId: context.deploymentId,
  });
}
