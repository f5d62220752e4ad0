import { ProviderError } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";

/** Who a conversion error is reported against when no deployment is involved (a Gemini-format client). */
export const GEMINI_CONVERSION_CONTEXT: ProviderErrorContext = { provider: "gemini" };

/**
 * Something a request asks for that the other format cannot say. It is a `bad_request` (never retried), and it is
 * raised instead of dropping the part: a request that silently loses a tool result or a schema constraint answers a
 * different question than the one asked.
 */
export function geminiConversionError(message: string, context: ProviderErrorContext = GEMINI_CONVERSION_CONTEXT): ProviderError {
  return new ProviderError({ kind: "bad_request", message, provider: context.provider, deploymentId: context.deploymentId });
}
