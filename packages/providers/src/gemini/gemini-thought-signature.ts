/**
 * Gemini 3 models refuse (400) a conversation whose earlier model turns called functions without the
 * `thoughtSignature` the API returned with the call ("Thought Signatures" guide). Switchyard's canonical history has
 * nowhere to keep a signature, and the history may have come from another provider entirely, so such calls are sent
 * with the placeholder Google documents for history it did not produce, which skips the check. The model loses the
 * reasoning it had at that step, not the call or its result.
 *
 * Only models named `gemini-<major>…` with a major version of 3 or more get it: earlier models do not check
 * signatures, and nothing is sent that they were never asked to accept.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

export function requiresThoughtSignatures(model: string): boolean {
  const major = /^(?:models\/)?gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}
