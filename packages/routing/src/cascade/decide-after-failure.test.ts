import { describe, expect, it } from "vitest";
import { PROVIDER_ERROR_KINDS, type CascadeState, type ProviderErrorKind } from "@switchyard/contracts";
import { DEFAULT_FAILURE_POLICIES, deploymentSchema, resilienceSchema, type DeploymentConfig } from "@switchyard/config";
import { backoffDelayMs } from "./backoff-delay.js";
import { decideAfterFailure, type FailureDecision, type FailureInput, type NextStep } from "./decide-after-failure.js";

function deployment(id: string, fields: Pick<DeploymentConfig, "provider" | "typicalLatencyMs" | "contextWindowTokens">): DeploymentConfig {
  return deploymentSchema.parse({
    id,
    model: `${id}-model`,
    baseUrl: "http://127.0.0.1:4010/v1",
    pricePer1kInputUsd: 0.001,
    pricePer1kOutputUsd: 0.003,
    quality: { general: 0.8 },
    ...fields,
  });
}

// The failing primary, and fallbacks chosen so each policy picks a different one.
const gpt = deployment("gpt", { provider: "openai", typicalLatencyMs: 2_000, contextWindowTokens: 128_000 });
const gptSlow = deployment("gpt-slow", { provider: "openai", typicalLatencyMs: 4_000, contextWindowTokens: 64_000 });
const gptLong = deployment("gpt-long", { provider: "openai", typicalLatencyMs: 3_000, contextWindowTokens: 1_000_000 });
const gptFast = deployment("gpt-fast", { provider: "openai", typicalLatencyMs: 500, contextWindowTokens: 16_000 });
const sonnet = deployment("sonnet", { provider: "anthropic", typicalLatencyMs: 2_500, contextWindowTokens: 200_000 });
const deployments = new Map([gpt, gptSlow, gptLong, gptFast, sonnet].map((entry) => [entry.id, entry]));

const NOW_MS = 1_700_000_000_000;
const DEFAULTS = resilienceSchema.parse({});

function cascade(overrides: Partial<CascadeState> = {}): CascadeState {
  return {
    fallbacks: ["gpt-slow", "gpt-long", "gpt-fast", "sonnet"],
    tried: [],
    attemptsOnDeployment: 0,
    providerCalls: 0,
    fallbacksTaken: 0,
    retryRounds: 0,
    deadlineAtMs: NOW_MS + 600_000,
    ...overrides,
  };
}

function decide(overrides: Partial<FailureInput> & Pick<FailureInput, "kind">): FailureDecision {
  return decideAfterFailure({
    deployment: gpt,
    cascade: cascade(),
    deployments,
    resilience: DEFAULTS,
    nowMs: NOW_MS,
    random: () => 0.5,
    ...overrides,
  });
}

function expectStep<K extends NextStep["kind"]>(step: NextStep, kind: K): Extract<NextStep, { kind: K }> {
  expect(step.kind, step.kind === "fail" ? step.reason : `${step.kind}: ${step.reason}`).toBe(kind);
  return step as Extract<NextStep, { kind: K }>;
}

/** Fails the same deployment with `kind` until the decision is something other than a retry; returns every step. */
function failRepeatedly(kind: ProviderErrorKind, input: Partial<FailureInput> = {}): NextStep[] {
  const steps: NextStep[] = [];
  let state = input.cascade ?? cascade();
  for (let call = 0; call < 20; call++) {
    const { step } = decide({ ...input, kind, cascade: state });
    steps.push(step);
    if (step.kind !== "retry_same") return steps;
    state = step.cascade;
  }
  throw new Error(`${kind} retried 20 times`);
}

describe("decideAfterFailure: the default matrix, row by row", () => {
  /** What the first failure of each kind does with the fixture's chain, budgets and deadline all ample. */
  const firstFailure: Record<ProviderErrorKind, { step: NextStep["kind"]; to?: string; openCircuit: boolean }> = {
    rate_limited: { step: "retry_same", openCircuit: false },
    quota_exhausted: { step: "fallback", to: "gpt-slow", openCircuit: true },
    overloaded: { step: "retry_same", openCircuit: false },
    server: { step: "retry_same", openCircuit: false },
    timeout: { step: "fallback", to: "gpt-fast", openCircuit: false },
    network: { step: "retry_same", openCircuit: false },
    invalid_response: { step: "retry_same", openCircuit: false },
    context_length: { step: "fallback", to: "gpt-long", openCircuit: false },
    content_filtered: { step: "fallback", to: "sonnet", openCircuit: false },
    auth: { step: "fallback", to: "gpt-slow", openCircuit: true },
    bad_request: { step: "fail", openCircuit: false },
    not_found: { step: "fallback", to: "gpt-slow", openCircuit: true },
  };

  it.each(PROVIDER_ERROR_KINDS.map((kind) => [kind, firstFailure[kind]] as const))("%s → %o", (kind, expected) => {
    const decision = decide({ kind, retryAfterMs: 1_000 });
    expect(decision.policy).toEqual(DEFAULT_FAILURE_POLICIES[kind]);
    expect(decision.openCircuit).toBe(expected.openCircuit);
    const step = expectStep(decision.step, expected.step);
    if (step.kind === "fallback") expect(step.deploymentId).toBe(expected.to);
  });

  describe("rate_limited (wait_or_fallback)", () => {
    it("waits exactly the provider's retry-after when it fits the deadline", () => {
      const step = expectStep(decide({ kind: "rate_limited", retryAfterMs: 30_000 }).step, "retry_same");
      expect(step.delayMs).toBe(30_000);
      expect(step.cascade).toEqual(cascade({ providerCalls: 1, attemptsOnDeployment: 1 }));
    });

    it("falls back at once when the retry-after would end at or past the deadline", () => {
      const deadlineAtMs = NOW_MS + 30_000;
      const tooLong = decide({ kind: "rate_limited", retryAfterMs: 30_000, cascade: cascade({ deadlineAtMs }) });
      expect(expectStep(tooLong.step, "fallback").deploymentId).toBe("gpt-slow");
      const fits = decide({ kind: "rate_limited", retryAfterMs: 29_999, cascade: cascade({ deadlineAtMs }) });
      expect(expectStep(fits.step, "retry_same").delayMs).toBe(29_999);
    });

    it("waits a jittered backoff when the provider sent no retry-after", () => {
      const step = expectStep(decide({ kind: "rate_limited", random: () => 0.5 }).step, "retry_same");
      expect(step.delayMs).toBe(backoffDelayMs(1, DEFAULTS.retryBackoff, () => 0.5));
    });

    it("waits at most maxAttempts calls on the deployment, then falls back", () => {
      const steps = failRepeatedly("rate_limited", { retryAfterMs: 100 });
      expect(steps.map((step) => step.kind)).toEqual(["retry_same", "retry_same", "fallback"]);
    });
  });

  describe.each(["overloaded", "server", "network", "invalid_response"] as const)("%s (retry_then_fallback)", (kind) => {
    const { maxAttempts } = DEFAULT_FAILURE_POLICIES[kind];

    it(`retries until ${maxAttempts} calls were made on the deployment, then falls back`, () => {
      const steps = failRepeatedly(kind);
      expect(steps.map((step) => step.kind)).toEqual([...Array<string>(maxAttempts - 1).fill("retry_same"), "fallback"]);
      const last = expectStep(steps.at(-1)!, "fallback");
      expect(last.deploymentId).toBe("gpt-slow");
      expect(last.cascade.providerCalls).toBe(maxAttempts);
    });

    it("waits the exponential backoff for the attempt, jittered by the injected random", () => {
      const steps = failRepeatedly(kind, { random: () => 0.75 });
      steps.slice(0, -1).forEach((step, index) => {
        expect(expectStep(step, "retry_same").delayMs).toBe(backoffDelayMs(index + 1, DEFAULTS.retryBackoff, () => 0.75));
      });
    });

    it("falls back instead of retrying when the backoff would pass the deadline", () => {
      const { step } = decide({ kind, random: () => 0.5, cascade: cascade({ deadlineAtMs: NOW_MS + 100 }) });
      expect(expectStep(step, "fallback").deploymentId).toBe("gpt-slow");
    });
  });

  describe("timeout (fallback_faster)", () => {
    it("falls back to the first deployment in the chain that is typically faster, without retrying", () => {
      const step = expectStep(decide({ kind: "timeout" }).step, "fallback");
      expect(step.deploymentId).toBe("gpt-fast");
      expect(step.cascade.fallbacks).toEqual(["gpt-slow", "gpt-long", "sonnet"]);
    });

    it("falls back to the next deployment when none is faster", () => {
      const { step } = decide({ kind: "timeout", cascade: cascade({ fallbacks: ["gpt-long", "gpt-slow"] }) });
      expect(expectStep(step, "fallback").deploymentId).toBe("gpt-long");
    });

    it("is exhausted with an empty chain", () => {
      expectStep(decide({ kind: "timeout", cascade: cascade({ fallbacks: [] }) }).step, "exhausted");
    });
  });

  describe("context_length (fallback_larger_context)", () => {
    it("falls back to the first deployment with a larger context window", () => {
      const { step } = decide({ kind: "context_length", cascade: cascade({ fallbacks: ["gpt-fast", "sonnet", "gpt-long"] }) });
      expect(expectStep(step, "fallback").deploymentId).toBe("sonnet");
    });

    it("fails when no deployment left in the chain has a larger window", () => {
      expectStep(decide({ kind: "context_length", cascade: cascade({ fallbacks: ["gpt-fast", "gpt-slow"] }) }).step, "fail");
      expectStep(decide({ kind: "context_length", cascade: cascade({ fallbacks: [] }) }).step, "fail");
    });

    it("is exhausted, not failed, when a larger window exists but the round's budget is spent", () => {
      const { step } = decide({ kind: "context_length", cascade: cascade({ fallbacksTaken: DEFAULTS.maxFallbacks }) });
      expectStep(step, "exhausted");
    });
  });

  describe("content_filtered (fallback_other_provider)", () => {
    it("falls back to the first deployment of another provider", () => {
      expect(expectStep(decide({ kind: "content_filtered" }).step, "fallback").deploymentId).toBe("sonnet");
    });

    it("is exhausted when every deployment left is the same provider's", () => {
      const { step } = decide({ kind: "content_filtered", cascade: cascade({ fallbacks: ["gpt-slow", "gpt-fast"] }) });
      expectStep(step, "exhausted");
    });
  });

  describe.each(["auth", "quota_exhausted", "not_found"] as const)("%s (open_circuit_and_fallback)", (kind) => {
    it("opens the deployment's circuit and falls back without retrying", () => {
      const decision = decide({ kind });
      expect(decision.openCircuit).toBe(true);
      expect(expectStep(decision.step, "fallback").deploymentId).toBe("gpt-slow");
    });

    it("opens the circuit even when nothing is left to fall back to", () => {
      const decision = decide({ kind, cascade: cascade({ fallbacks: [] }) });
      expect(decision.openCircuit).toBe(true);
      expectStep(decision.step, "exhausted");
    });
  });

  it("bad_request fails at once, whatever is left to try", () => {
    const decision = decide({ kind: "bad_request" });
    expect(decision.openCircuit).toBe(false);
    expect(expectStep(decision.step, "fail").reason).toMatch(/bad_request/);
  });

  describe("circuit_open (the breaker refused the call)", () => {
    it("falls back without counting a call, applying no policy", () => {
      const decision = decide({ kind: "circuit_open", cascade: cascade({ providerCalls: 2, attemptsOnDeployment: 1 }) });
      expect(decision.openCircuit).toBe(false);
      expect(decision.policy).toBeUndefined();
      const step = expectStep(decision.step, "fallback");
      expect(step.deploymentId).toBe("gpt-slow");
      expect(step.cascade).toEqual(
        cascade({ fallbacks: ["gpt-long", "gpt-fast", "sonnet"], tried: ["gpt"], providerCalls: 2, attemptsOnDeployment: 0, fallbacksTaken: 1 }),
      );
    });

    it("is exhausted with its state unchanged when nothing is left", () => {
      const before = cascade({ fallbacks: [], providerCalls: 3 });
      const step = expectStep(decide({ kind: "circuit_open", cascade: before }).step, "exhausted");
      expect(step.cascade).toEqual(before);
    });
  });
});

describe("decideAfterFailure: budgets", () => {
  it("turns a retry and a fallback into exhausted once the round's provider calls are spent", () => {
    const last = cascade({ providerCalls: DEFAULTS.maxProviderCalls - 1 });
    for (const kind of ["server", "rate_limited", "auth", "timeout"] as const) {
      const step = expectStep(decide({ kind, retryAfterMs: 10, cascade: last }).step, "exhausted");
      expect(step.reason).toMatch(/provider calls are spent/);
      expect(step.cascade.providerCalls).toBe(DEFAULTS.maxProviderCalls);
    }
  });

  it("still retries when one call is left after this one", () => {
    expectStep(decide({ kind: "server", cascade: cascade({ providerCalls: DEFAULTS.maxProviderCalls - 2 }) }).step, "retry_same");
  });

  it("turns a fallback into exhausted once the round's fallbacks are spent, but still retries", () => {
    const spent = cascade({ fallbacksTaken: DEFAULTS.maxFallbacks });
    expect(expectStep(decide({ kind: "auth", cascade: spent }).step, "exhausted").reason).toMatch(/fallbacks are spent/);
    expectStep(decide({ kind: "circuit_open", cascade: spent }).step, "exhausted");
    expectStep(decide({ kind: "server", cascade: spent }).step, "retry_same");
  });

  it("never falls back with maxFallbacks 0", () => {
    const resilience = resilienceSchema.parse({ maxFallbacks: 0 });
    expectStep(decide({ kind: "not_found", resilience }).step, "exhausted");
  });

  it("neither retries nor falls back once the deadline has passed", () => {
    for (const nowMs of [NOW_MS + 600_000, NOW_MS + 700_000]) {
      for (const kind of ["server", "rate_limited", "timeout", "auth", "content_filtered", "circuit_open"] as const) {
        const step = expectStep(decide({ kind, retryAfterMs: 0, nowMs }).step, "exhausted");
        expect(step.reason).toMatch(/deadline/);
      }
    }
  });

  it("skips chain entries the configuration no longer knows", () => {
    const { step } = decide({ kind: "auth", cascade: cascade({ fallbacks: ["removed", "sonnet"] }) });
    expect(expectStep(step, "fallback").deploymentId).toBe("sonnet");
  });
});

describe("decideAfterFailure: cascade bookkeeping", () => {
  it("on retry counts the call on the deployment and in the round, and changes nothing else", () => {
    const before = cascade({ tried: ["sonnet"], providerCalls: 3, attemptsOnDeployment: 1, fallbacksTaken: 1, retryRounds: 2 });
    const step = expectStep(decide({ kind: "server", cascade: before }).step, "retry_same");
    expect(step.cascade).toEqual({ ...before, providerCalls: 4, attemptsOnDeployment: 2 });
  });

  it("on fallback records the failed deployment, takes the target off the chain, resets the attempts, counts the fallback", () => {
    const before = cascade({ tried: ["sonnet"], providerCalls: 3, attemptsOnDeployment: 2, fallbacksTaken: 1, retryRounds: 2 });
    const step = expectStep(decide({ kind: "timeout", cascade: { ...before, fallbacks: ["gpt-slow", "gpt-fast", "gpt-long"] } }).step, "fallback");
    expect(step.cascade).toEqual({
      ...before,
      fallbacks: ["gpt-slow", "gpt-long"],
      tried: ["sonnet", "gpt"],
      attemptsOnDeployment: 0,
      providerCalls: 4,
      fallbacksTaken: 2,
    });
  });

  it("on exhausted counts the failed call", () => {
    const step = expectStep(decide({ kind: "auth", cascade: cascade({ fallbacks: [], providerCalls: 1, attemptsOnDeployment: 1 }) }).step, "exhausted");
    expect(step.cascade).toEqual(cascade({ fallbacks: [], providerCalls: 2, attemptsOnDeployment: 2 }));
  });

  it("leaves its input untouched", () => {
    const before = cascade({ tried: ["sonnet"] });
    const snapshot = structuredClone(before);
    decide({ kind: "timeout", cascade: before });
    decide({ kind: "server", cascade: before });
    decide({ kind: "circuit_open", cascade: before });
    expect(before).toEqual(snapshot);
  });

  it("walks a whole round to exhaustion: retries, fallbacks, each deployment once", () => {
    let state = cascade();
    let current = gpt;
    const visited: string[] = [];
    for (let call = 0; call < 20; call++) {
      const { step } = decide({ kind: "server", deployment: current, cascade: state });
      if (step.kind === "exhausted" || step.kind === "fail") break;
      state = step.cascade;
      if (step.kind === "fallback") {
        visited.push(step.deploymentId);
        current = deployments.get(step.deploymentId)!;
      }
    }
    // 10 calls: 3 on gpt, 3 on gpt-slow, 3 on gpt-long, then 1 on gpt-fast spends the budget.
    expect(visited).toEqual(["gpt-slow", "gpt-long", "gpt-fast"]);
    expect(state.providerCalls).toBe(9);
    expect(state.tried).toEqual(["gpt", "gpt-slow", "gpt-long"]);
  });
});

describe("decideAfterFailure: the matrix from config", () => {
  it("replaces only the rows the config names", () => {
    const resilience = resilienceSchema.parse({
      onFailure: {
        timeout: { action: "retry_then_fallback", maxAttempts: 2 },
        bad_request: { action: "fallback_other_provider" },
        server: { action: "fail" },
      },
    });
    expect(failRepeatedly("timeout", { resilience }).map((step) => step.kind)).toEqual(["retry_same", "fallback"]);
    expect(expectStep(decide({ kind: "bad_request", resilience }).step, "fallback").deploymentId).toBe("sonnet");
    expectStep(decide({ kind: "server", resilience }).step, "fail");
    // Untouched rows keep their defaults.
    expect(failRepeatedly("network", { resilience }).map((step) => step.kind)).toEqual(["retry_same", "retry_same", "fallback"]);
    expect(decide({ kind: "auth", resilience }).openCircuit).toBe(true);
  });

  it("defaults an override's maxAttempts to 1: a rate limit then falls back at once", () => {
    const resilience = resilienceSchema.parse({ onFailure: { rate_limited: { action: "wait_or_fallback" } } });
    expect(resilience.onFailure.rate_limited.maxAttempts).toBe(1);
    expectStep(decide({ kind: "rate_limited", retryAfterMs: 10, resilience }).step, "fallback");
  });

  it("opens a circuit for any kind the config maps to open_circuit_and_fallback", () => {
    const resilience = resilienceSchema.parse({ onFailure: { overloaded: { action: "open_circuit_and_fallback" }, auth: { action: "fallback_faster" } } });
    expect(decide({ kind: "overloaded", resilience }).openCircuit).toBe(true);
    const auth = decide({ kind: "auth", resilience });
    expect(auth.openCircuit).toBe(false);
    expect(expectStep(auth.step, "fallback").deploymentId).toBe("gpt-fast");
  });

  it("rejects an unknown failure kind, an unknown action, and maxAttempts outside 1..10", () => {
    expect(resilienceSchema.safeParse({ onFailure: { teapot: { action: "fail" } } }).success).toBe(false);
    expect(resilienceSchema.safeParse({ onFailure: { server: { action: "shrug" } } }).success).toBe(false);
    expect(resilienceSchema.safeParse({ onFailure: { server: { action: "retry_then_fallback", maxAttempts: 11 } } }).success).toBe(false);
    expect(resilienceSchema.safeParse({ onFailure: { server: { action: "retry_then_fallback", maxAttempts: 0 } } }).success).toBe(false);
  });
});
