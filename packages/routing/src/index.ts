export { classifyRequest } from "./classify-request.js";
export { assessComplexity, LONG_INPUT_TOKENS, type ComplexityAssessment, type ComplexitySignal } from "./assess-complexity.js";
export { detectDomain, scoreDomains, DOMAIN_TIE_ORDER, MIN_DOMAIN_SCORE, type SpecialDomain } from "./detect-domain.js";
export { detectPii, luhnValid, ibanValid } from "./detect-pii.js";
export { determineTier, type TierInput } from "./determine-tier.js";
export {
  estimateInputTokens,
  countTextTokens,
  EXACT_COUNT_MAX_CHARS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  REPLY_PRIMING_TOKENS,
  IMAGE_TOKENS_LOW_DETAIL,
  IMAGE_TOKENS_HIGH_DETAIL,
} from "./estimate-tokens.js";
export { costUsd, blendedPricePer1kUsd, type UsageTokens } from "./estimate-cost.js";
export {
  selectDeployments,
  qualityFor,
  privacyRequirement,
  type SelectionInput,
  type Selection,
  type ScoredDeployment,
  type Rejection,
} from "./select-deployment.js";
export { AUTO_MODEL, requestedTarget, type RequestedTarget } from "./requested-target.js";
export { backoffDelayMs } from "./cascade/backoff-delay.js";
export { buildFallbackChain, type FallbackChainInput } from "./cascade/build-fallback-chain.js";
export { decideAfterFailure, type FailureDecision, type FailureInput, type FailureKind, type NextStep } from "./cascade/decide-after-failure.js";
export { decideRetryRound, type RetryRoundDecision, type RetryRoundInput } from "./cascade/decide-retry-round.js";
export { choosePoolMember, type PoolChoice, type PoolChoiceInput, type PoolMemberState } from "./balancing/choose-pool-member.js";
