import type { CascadeState, RequestError } from "@switchyard/contracts";
import type { ResilienceConfig } from "@switchyard/config";
import { backoffDelayMs } from "./backoff-delay.js";

/** Failures no later round can fix: the same request would fail the same way anywhere. */
const PERMANENT_CODES: ReadonlySet<RequestError["code"]> = new Set(["bad_request", "context_length", "content_filtered", "no_eligible_deployment", "invalid_job"]);

export interface RetryRoundInput {
  /** Why the round ended: the last deployment's error. */
  lastError: RequestError;
  cascade: CascadeState;
  retryQueue: ResilienceConfig["retryQueue"];
  nowMs: number;
  random: () => number;
}

export type RetryRoundDecision =
  | { kind: "retry_round"; round: number; delayMs: number; nextAttemptAtMs: number }
  | { kind: "fail"; error: RequestError };

/**
 * After a round failed and the cache had nothing: queue the request for another round later (exponential backoff
 * with full jitter, at least `baseDelayMs / 2` so a round is never immediate), or fail it with its history: with the
 * last error when the failure is permanent or the rounds are spent, with `deadline_exceeded` when the next round would
 * start after the deadline.
 */
export function decideRetryRound(input: RetryRoundInput): RetryRoundDecision {
  const { lastError, cascade, retryQueue, nowMs } = input;
  if (PERMANENT_CODES.has(lastError.code)) return { kind: "fail", error: lastError };
  const round = cascade.retryRounds + 1;
  if (round > retryQueue.maxRounds) {
    // The caller branches on why the last deployment failed; the message says the rounds are spent.
    return { kind: "fail", error: { ...lastError, message: `gave up after ${cascade.retryRounds} retry round(s): ${lastError.message}` } };
  }
  const delayMs = Math.max(Math.round(retryQueue.baseDelayMs / 2), backoffDelayMs(round, retryQueue, input.random));
  if (nowMs + delayMs >= cascade.deadlineAtMs) {
    return {
      kind: "fail",
      error: { ...lastError, code: "deadline_exceeded", message: `the deadline leaves no time for another round; last error: ${lastError.message}` },
    };
  }
  return { kind: "retry_round", round, delayMs, nextAttemptAtMs: nowMs + delayMs };
}
