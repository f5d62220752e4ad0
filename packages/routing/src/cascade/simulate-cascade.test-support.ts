import type { CascadeState, ChatRequest, Classification, RequestError } from "@switchyard/contracts";
import type { DeploymentConfig, SwitchyardConfig } from "@switchyard/config";
import { selectDeployments } from "../select-deployment.js";
import { buildFallbackChain } from "./build-fallback-chain.js";
import { decideAfterFailure, type FailureKind, type NextStep } from "./decide-after-failure.js";
import { decideRetryRound } from "./decide-retry-round.js";
import { seededRandom } from "../seeded-random.test-support.js";

/**
 * A whole request through the cascade, in memory, making the same calls in the same order as the worker
 * (apps/worker: `startRound` → provider job → `handleProviderFailure` → cache stage → retry stage → `startRound`),
 * with scripted provider answers, an in-memory breaker and a clock that only the calls and the delays move.
 * The response cache always misses: it never sends a request anywhere.
 */

/** One provider call's answer, or `circuit_open`: the breaker refused it (another request's failures opened it). */
export type ScriptedAnswer = { kind: "success" } | { kind: FailureKind; retryAfterMs?: number };

export interface CascadeWorld {
  config: Pick<SwitchyardConfig, "deployments" | "tiers" | "weights" | "fallbacks" | "resilience">;
  classification: Classification;
  constraints?: ChatRequest["constraints"];
  /** `request.model`. */
  requestedModel?: string;
  maxOutputTokens?: number;
  /** The answers, in call order. */
  answers: readonly ScriptedAnswer[];
  /** Every answer after the script ran out: the provider stays down. */
  thenAlways: FailureKind;
  /** Circuits open when the request arrives. */
  initiallyOpen: readonly string[];
  /** Open circuits half-open and let calls through again while the request waits in the retry queue. */
  circuitsResetBetweenRounds: boolean;
  seed: number;
}

export type CascadeEvent =
  | { type: "round"; round: number; atMs: number; primary?: string; fallbacks: readonly string[]; pool: readonly string[] }
  /** A deployment job enqueued: the request is sent to `deploymentId` (the call itself may still meet an open circuit). */
  | { type: "dispatch"; round: number; atMs: number; deploymentId: string; via: "primary" | "retry_same" | "fallback" }
  | { type: "call"; round: number; atMs: number; deploymentId: string; answer: ScriptedAnswer["kind"] }
  | {
      type: "decision";
      round: number;
      deploymentId: string;
      failure: FailureKind;
      /** Provider calls this round made on `deploymentId`, the failed one included (counted here, not from the cascade state). */
      callsOnDeployment: number;
      step: NextStep;
      openCircuit: boolean;
    }
  | { type: "retry_round"; afterRound: number; delayMs: number };

export type CascadeOutcome = { kind: "succeeded"; deploymentId: string } | { kind: "failed"; error: RequestError };

export interface SimulationResult {
  outcome: CascadeOutcome;
  events: CascadeEvent[];
  /** Provider calls made, every round together. */
  providerCalls: number;
  deadlineAtMs: number;
  endedAtMs: number;
}


/** Far beyond any budget the config allows; reaching it means the cascade does not terminate. */
const STEP_LIMIT = 10_000;

export function simulateCascade(world: CascadeWorld): SimulationResult {
  const { config, classification } = world;
  const { resilience } = config;
  const byId = new Map(config.deployments.map((deployment) => [deployment.id, deployment]));
  const random = seededRandom(world.seed);
  const open = new Set(world.initiallyOpen);
  const events: CascadeEvent[] = [];
  const acceptedAtMs = 0;
  const deadlineAtMs = acceptedAtMs + (world.constraints?.timeoutMs ?? resilience.defaultTimeoutMs);
  let nowMs = acceptedAtMs;
  let providerCalls = 0;
  let answered = 0;
  let steps = 0;
  const nextAnswer = (): ScriptedAnswer => world.answers[answered++] ?? { kind: world.thenAlways };
  const end = (outcome: CascadeOutcome): SimulationResult => ({ outcome, events, providerCalls, deadlineAtMs, endedAtMs: nowMs });

  for (let retryRounds = 0; ; ) {
    // startRound
    const policy = config.tiers[classification.tier];
    const selectionInput = {
      classification,
      constraints: world.constraints,
      maxOutputTokens: world.maxOutputTokens,
      deployments: config.deployments,
      policy,
      weights: policy?.weights ?? config.weights,
      isAvailable: (deploymentId: string) => !open.has(deploymentId),
    };
    const selection = selectDeployments({ ...selectionInput, requestedModel: world.requestedModel });
    const primary = selection.ranked[0]?.deployment;
    let cascade: CascadeState = { fallbacks: [], tried: [], attemptsOnDeployment: 0, providerCalls: 0, fallbacksTaken: 0, retryRounds, deadlineAtMs };
    let lastError: RequestError;

    if (!primary) {
      events.push({ type: "round", round: retryRounds, atMs: nowMs, fallbacks: [], pool: [] });
      const onlyOpenCircuits = selection.rejected.length > 0 && selection.rejected.some((rejection) => rejection.reason === "unavailable");
      if (!onlyOpenCircuits) return end({ kind: "failed", error: { code: "no_eligible_deployment", message: "no deployment can serve this request" } });
      lastError = { code: "circuit_open", message: "every eligible deployment's circuit is open" };
    } else {
      const pool = world.requestedModel === undefined ? selection.ranked : selectDeployments(selectionInput).ranked;
      cascade.fallbacks = buildFallbackChain({
        primary,
        pool: pool.map((entry) => entry.deployment),
        tier: classification.tier,
        configured: config.fallbacks,
        maxFallbacks: resilience.maxFallbacks,
      });
      events.push({ type: "round", round: retryRounds, atMs: nowMs, primary: primary.id, fallbacks: cascade.fallbacks, pool: pool.map((entry) => entry.deployment.id) });

      // The provider jobs of this round, then handleProviderFailure after each failed one.
      const callsOnDeployment = new Map<string, number>();
      let current: DeploymentConfig = primary;
      let via: "primary" | "retry_same" | "fallback" = "primary";
      for (;;) {
        if (++steps > STEP_LIMIT) throw new Error(`the cascade did not terminate within ${STEP_LIMIT} steps`);
        events.push({ type: "dispatch", round: retryRounds, atMs: nowMs, deploymentId: current.id, via });
        let failure: ScriptedAnswer & { kind: FailureKind };
        const answer: ScriptedAnswer = open.has(current.id) ? { kind: "circuit_open" } : nextAnswer();
        if (answer.kind === "circuit_open") {
          open.add(current.id);
          failure = answer;
        } else {
          providerCalls += 1;
          callsOnDeployment.set(current.id, (callsOnDeployment.get(current.id) ?? 0) + 1);
          events.push({ type: "call", round: retryRounds, atMs: nowMs, deploymentId: current.id, answer: answer.kind });
          nowMs += answer.kind === "timeout" ? current.timeoutMs : current.typicalLatencyMs;
          if (answer.kind === "success") return end({ kind: "succeeded", deploymentId: current.id });
          failure = answer;
        }
        const decision = decideAfterFailure({
          kind: failure.kind,
          ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
          deployment: current,
          cascade,
          deployments: byId,
          resilience,
          nowMs,
          random,
        });
        if (decision.openCircuit) open.add(current.id);
        const step = decision.step;
        events.push({
          type: "decision",
          round: retryRounds,
          deploymentId: current.id,
          failure: failure.kind,
          callsOnDeployment: callsOnDeployment.get(current.id) ?? 0,
          step,
          openCircuit: decision.openCircuit,
        });
        const requestError: RequestError = { code: failure.kind, message: `${current.id} answered ${failure.kind}`, deploymentId: current.id };
        if (step.kind === "fail") return end({ kind: "failed", error: requestError });
        if (step.kind === "exhausted") {
          cascade = step.cascade;
          lastError = requestError;
          break;
        }
        cascade = step.cascade;
        if (step.kind === "retry_same") {
          nowMs += step.delayMs;
          via = "retry_same";
        } else {
          const target = byId.get(step.deploymentId);
          if (!target) throw new Error(`fell back to unknown deployment ${step.deploymentId}`);
          current = target;
          via = "fallback";
        }
      }
    }

    // The cache stage (a miss), then the retry queue.
    const decision = decideRetryRound({ lastError, cascade, retryQueue: resilience.retryQueue, nowMs, random });
    if (decision.kind === "fail") return end({ kind: "failed", error: decision.error });
    events.push({ type: "retry_round", afterRound: retryRounds, delayMs: decision.delayMs });
    nowMs += decision.delayMs;
    retryRounds = decision.round;
    if (world.circuitsResetBetweenRounds) open.clear();
    if (++steps > STEP_LIMIT) throw new Error(`the cascade did not terminate within ${STEP_LIMIT} steps`);
  }
}
