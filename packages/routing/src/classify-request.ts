import { messageText, type ChatRequest, type Classification } from "@switchyard/contracts";
import { assessComplexity } from "./assess-complexity.js";
import { detectDomain } from "./detect-domain.js";
import { detectPii } from "./detect-pii.js";
import { determineTier } from "./determine-tier.js";
import { estimateInputTokens } from "./estimate-tokens.js";

/**
 * Everything the router needs to know about a request, computed once by the API and carried in the job.
 * All messages count, the system prompt included: PII there leaves the building just the same.
 */
export function classifyRequest(request: ChatRequest): Classification {
  const text = request.messages.map(messageText).join("\n");
  const estimatedInputTokens = estimateInputTokens(request.messages);
  const { complexity, signals } = assessComplexity(text, estimatedInputTokens);
  const piiKinds = detectPii(text);
  const containsPii = piiKinds.length > 0;
  const urgency = request.metadata?.urgency ?? "normal";
  return {
    complexity,
    signals,
    domain: detectDomain(text),
    estimatedInputTokens,
    containsPii,
    piiKinds,
    urgency,
    tier: determineTier({ containsPii, complexity, urgency, requiresLocal: request.constraints?.requiresLocal }),
  };
}
