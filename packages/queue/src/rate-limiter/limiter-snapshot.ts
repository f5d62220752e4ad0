import type { LimiterSettings } from "./limiter-settings.js";

/** What a deployment's limiter looks like at one instant, for the dispatcher's choice and the API's listing. */
export interface LimiterSnapshot {
  deploymentId: string;
  /** Leases not yet released nor expired. */
  inFlight: number;
  /** Reservations made in the last `windowMs`, and their tokens (as corrected on release). */
  requestsInWindow: number;
  tokensInWindow: number;
  rpm?: number;
  tpm?: number;
  concurrency: number;
  /** Present while a pause (a 429) holds. */
  pausedUntilMs?: number;
  /** What the provider said remains, less what was granted since; present only until the budget's reset. */
  providerRequestsRemaining?: number;
  providerTokensRemaining?: number;
  /** The later reset of the provider budgets shown: when the provider's figures stop lowering ours. */
  providerResetAtMs?: number;
}

/**
 * What lua/limiter-snapshot-4.lua returns: inFlight, requestsInWindow, tokensInWindow, pausedUntilMs,
 * providerRequestsRemaining, providerRequestsResetAtMs, providerTokensRemaining, providerTokensResetAtMs;
 * the counts as integers, the rest as stored, "" when absent.
 */
export type LimiterSnapshotReply = readonly (string | number | null | undefined)[];

function numberOrUndefined(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** A provider budget counts only with both figures and while its reset lies ahead, as in limiter-acquire. */
function liveBudget(
  remaining: number | undefined,
  resetAtMs: number | undefined,
  nowMs: number,
): { remaining: number; resetAtMs: number } | undefined {
  return remaining !== undefined && resetAtMs !== undefined && nowMs < resetAtMs ? { remaining, resetAtMs } : undefined;
}

/** Reads the snapshot script's reply as acquire would judge the limiter at `nowMs`. */
export function limiterSnapshotFrom(
  deploymentId: string,
  reply: LimiterSnapshotReply,
  settings: LimiterSettings,
  nowMs: number,
): LimiterSnapshot {
  const [inFlight, requests, tokens, pausedUntil, requestsRemaining, requestsResetAt, tokensRemaining, tokensResetAt] =
    reply;
  const snapshot: LimiterSnapshot = {
    deploymentId,
    inFlight: numberOrUndefined(inFlight) ?? 0,
    requestsInWindow: numberOrUndefined(requests) ?? 0,
    tokensInWindow: numberOrUndefined(tokens) ?? 0,
    concurrency: settings.concurrency,
  };
  if (settings.rpm !== undefined) snapshot.rpm = settings.rpm;
  if (settings.tpm !== undefined) snapshot.tpm = settings.tpm;

  const pausedUntilMs = numberOrUndefined(pausedUntil);
  if (pausedUntilMs !== undefined && nowMs < pausedUntilMs) snapshot.pausedUntilMs = pausedUntilMs;

  const providerRequests = liveBudget(numberOrUndefined(requestsRemaining), numberOrUndefined(requestsResetAt), nowMs);
  const providerTokens = liveBudget(numberOrUndefined(tokensRemaining), numberOrUndefined(tokensResetAt), nowMs);
  if (providerRequests) snapshot.providerRequestsRemaining = providerRequests.remaining;
  if (providerTokens) snapshot.providerTokensRemaining = providerTokens.remaining;
  if (providerRequests || providerTokens) {
    snapshot.providerResetAtMs = Math.max(providerRequests?.resetAtMs ?? -Infinity, providerTokens?.resetAtMs ?? -Infinity);
  }
  return snapshot;
}
