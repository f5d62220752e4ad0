import { ProviderError } from "@switchyard/contracts";
import type { ProviderErrorContext } from "../map-transport-error.js";

/**
 * Gemini answers 200 with no candidates and a `promptFeedback.blockReason` when its filters refuse the prompt
 * itself. Nothing was generated, and sending the same prompt again would be refused again: `content_filtered`.
 */
export function geminiPromptBlockedError(
  blockReason: string,
  context: ProviderErrorContext & { httpStatus?: number; bodyExcerpt?: string },
): ProviderError {
  return new ProviderError({
    kind: "content_filtered",
    message: `${context.provider} blocked the prompt (${blockReason})`,
    provider: context.provider,
    deploymentId: context.deploymentId,
    ...(context.httpStatus === undefined ? {} : { httpStatus: context.httpStatus }),
    ...(context.bodyExcerpt === undefined ? {} : { bodyExcerpt: context.bodyExcerpt }),
  });
}
