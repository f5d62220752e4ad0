import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CascadeState, RequestError } from "@switchyard/contracts";
import { resilienceSchema } from "@switchyard/config";
import { decideRetryRound, type RetryRoundDecision, type RetryRoundInput } from "./decide-retry-round.js";

const NOW_MS = 1_700_000_000_000;
const ALMOST_ONE = 1 - Number.EPSILON / 2;
const retryQueue = resilienceSchema.parse({}).retryQueue;

function cascade(overrides: Partial<CascadeState> = {}): CascadeState {
  return {
    fallbacks: [],
    tried: ["gpt", "sonnet"],
    attemptsOnDeployment: 1,
    providerCalls: 4,
    fallbacksTaken: 1,
    retryRounds: 0,
    deadlineAtMs: NOW_MS + 3_600_000,
    ...overrides,
  };
}

const serverError: RequestError = { code: "server", message: "upstream 503", deploymentId: "sonnet", httpStatus: 503 };

function decide(overrides: Partial<RetryRoundInput> = {}): RetryRoundDecision {
  return decideRetryRound({ lastError: serverError, cascade: cascade(), retryQueue, nowMs: NOW_MS, random: () => 0.5, ...overrides });
}

function expectRound(decision: RetryRoundDecision): Extract<RetryRoundDecision, { kind: "retry_round" }> {
  expect(decision.kind, decision.kind === "fail" ? decision.error.message : "").toBe("retry_round");
  return decision as Extract<RetryRoundDecision, { kind: "retry_round" }>;
}

function expectFail(decision: RetryRoundDecision): RequestError {
  expect(decision.kind).toBe("fail");
  return (decision as Extract<RetryRoundDecision, { kind: "fail" }>).error;
}

describe("decideRetryRound", () => {
  it.each(["bad_request", "context_length", "content_filtered", "no_eligible_deployment", "invalid_job"] as const)(
    "fails a permanent %s with the last error as it is, rounds and time left or not",
    (code) => {
      const lastError: RequestError = { code, message: `${code} from upstream`, deploymentId: "gpt", httpStatus: 400 };
      expect(expectFail(decide({ lastError }))).toEqual(lastError);
      expect(expectFail(decide({ lastError, cascade: cascade({ retryRounds: 99, deadlineAtMs: NOW_MS }) }))).toEqual(lastError);
    },
  );

  it.each(["server", "rate_limited", "overloaded", "timeout", "network", "invalid_response", "quota_exhausted", "auth", "not_found", "circuit_open"] as const)(
    "queues another round after a transient %s",
    (code) => {
      const round = expectRound(decide({ lastError: { code, message: code }, cascade: cascade({ retryRounds: 2 }) }));
      expect(round.round).toBe(3);
      expect(round.nextAttemptAtMs).toBe(NOW_MS + round.delayMs);
    },
  );

  it("fails with the last error's code and a 'gave up' message once the rounds are spent", () => {
    const error = expectFail(decide({ cascade: cascade({ retryRounds: retryQueue.maxRounds }) }));
    expect(error).toEqual({ ...serverError, message: `gave up after ${retryQueue.maxRounds} retry round(s): upstream 503` });
  });

  it("with maxRounds 0 gives up after the first round", () => {
    const noRounds = resilienceSchema.parse({ retryQueue: { maxRounds: 0 } }).retryQueue;
    const error = expectFail(decide({ retryQueue: noRounds }));
    expect(error.code).toBe("server");
    expect(error.message).toMatch(/^gave up after 0 retry round\(s\)/);
  });

  it("allows exactly maxRounds rounds", () => {
    expect(expectRound(decide({ cascade: cascade({ retryRounds: retryQueue.maxRounds - 1 }) })).round).toBe(retryQueue.maxRounds);
  });

  it("fails with deadline_exceeded when the next round would start at or after the deadline", () => {
    // random 0.5 in round 1: max(1000, round(2000 × 0.5)) = 1000 ms.
    const atDeadline = expectFail(decide({ cascade: cascade({ deadlineAtMs: NOW_MS + 1_000 }) }));
    expect(atDeadline).toEqual({ ...serverError, code: "deadline_exceeded", message: expect.stringContaining("upstream 503") });
    expect(expectRound(decide({ cascade: cascade({ deadlineAtMs: NOW_MS + 1_001 }) })).delayMs).toBe(1_000);
  });

  it("reports spent rounds before a passed deadline", () => {
    const error = expectFail(decide({ cascade: cascade({ retryRounds: retryQueue.maxRounds, deadlineAtMs: NOW_MS - 1 }) }));
    expect(error.code).toBe("server");
  });

  it("waits at least half the base delay, so a round is never immediate", () => {
    expect(expectRound(decide({ random: () => 0 })).delayMs).toBe(retryQueue.baseDelayMs / 2);
    expect(expectRound(decide({ random: () => 0, cascade: cascade({ retryRounds: 4 }) })).delayMs).toBe(retryQueue.baseDelayMs / 2);
  });

  it("doubles the ceiling each round up to maxDelayMs", () => {
    const queue = { baseDelayMs: 1_000, maxDelayMs: 10_000, maxRounds: 10 };
    const ceilings = [0, 1, 2, 3, 4, 5].map((retryRounds) => expectRound(decide({ retryQueue: queue, random: () => ALMOST_ONE, cascade: cascade({ retryRounds }) })).delayMs);
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("keeps every delay within [baseDelayMs / 2, max(baseDelayMs / 2, min(maxDelayMs, baseDelayMs × 2^(round − 1)))]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 300_000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseDelayMs, maxDelayMs, retryRounds, draw) => {
          const decision = expectRound(
            decide({ retryQueue: { baseDelayMs, maxDelayMs, maxRounds: 100 }, random: () => draw, cascade: cascade({ retryRounds, deadlineAtMs: NOW_MS + 10 ** 12 }) }),
          );
          const floorMs = Math.round(baseDelayMs / 2);
          expect(decision.round).toBe(retryRounds + 1);
          expect(decision.delayMs).toBeGreaterThanOrEqual(floorMs);
          expect(decision.delayMs).toBeLessThanOrEqual(Math.max(floorMs, Math.min(maxDelayMs, baseDelayMs * 2 ** retryRounds)));
          expect(decision.nextAttemptAtMs).toBe(NOW_MS + decision.delayMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
