import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DOMAINS, PII_KINDS, PROVIDER_ERROR_KINDS, TIERS, type Classification, type RequestConstraints } from "@switchyard/contracts";
import { configSchema, FAILURE_ACTIONS, PROVIDERS, type DeploymentConfig } from "@switchyard/config";
import type { FailureKind } from "./decide-after-failure.js";
import { simulateCascade, type CascadeEvent, type CascadeWorld, type ScriptedAnswer, type SimulationResult } from "./simulate-cascade.test-support.js";

/**
 * Whole requests through the cascade, over random configurations, requests, provider answers and circuit states,
 * simulated step by step as the worker runs them (simulate-cascade.test-support.ts), with a clock only the calls and
 * the delays move. Each property holds for every request, whatever the providers answer.
 */

const NUM_RUNS = 250;
const FAILURE_KINDS: readonly FailureKind[] = [...PROVIDER_ERROR_KINDS, "circuit_open"];

const weighted = (trueWeight: number, falseWeight: number) =>
  fc.oneof({ weight: trueWeight, arbitrary: fc.constant(true) }, { weight: falseWeight, arbitrary: fc.constant(false) });

const deploymentFields = fc.record({
  provider: fc.constantFrom(...PROVIDERS),
  private: weighted(3, 2),
  enabled: weighted(9, 1),
  typicalLatencyMs: fc.integer({ min: 50, max: 8_000 }),
  timeoutMs: fc.integer({ min: 1_000, max: 120_000 }),
  contextWindowTokens: fc.constantFrom(4_096, 8_192, 32_000, 128_000, 200_000, 1_000_000),
  pricePer1kInputUsd: fc.integer({ min: 0, max: 30_000 }).map((microUsd) => microUsd / 1_000_000),
  pricePer1kOutputUsd: fc.integer({ min: 0, max: 60_000 }).map((microUsd) => microUsd / 1_000_000),
  quality: fc.record({ general: fc.double({ min: 0, max: 1, noNaN: true }), code: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: ["general"] }),
});

const resilienceInput = fc.record(
  {
    maxProviderCalls: fc.integer({ min: 1, max: 8 }),
    maxFallbacks: fc.integer({ min: 0, max: 4 }),
    defaultTimeoutMs: fc.integer({ min: 2_000, max: 600_000 }),
    retryBackoff: fc.record({ baseDelayMs: fc.integer({ min: 0, max: 2_000 }), maxDelayMs: fc.integer({ min: 1, max: 10_000 }) }),
    retryQueue: fc.record({
      baseDelayMs: fc.integer({ min: 0, max: 10_000 }),
      maxDelayMs: fc.integer({ min: 1, max: 120_000 }),
      maxRounds: fc.integer({ min: 0, max: 4 }),
    }),
    // Rows of the matrix replaced by config, any action for any kind.
    onFailure: fc.dictionary(
      fc.constantFrom(...PROVIDER_ERROR_KINDS),
      fc.record({ action: fc.constantFrom(...FAILURE_ACTIONS), maxAttempts: fc.integer({ min: 1, max: 4 }) }, { requiredKeys: ["action"] }),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: [] },
);

const classificationArbitrary: fc.Arbitrary<Classification> = fc
  .record({
    complexity: fc.constantFrom("low" as const, "medium" as const, "high" as const),
    domain: fc.constantFrom(...DOMAINS),
    estimatedInputTokens: fc.oneof(fc.integer({ min: 0, max: 4_000 }), fc.integer({ min: 0, max: 300_000 })),
    containsPii: weighted(1, 5),
    tier: fc.constantFrom(...TIERS),
  })
  .map((fields) => ({ ...fields, signals: [], piiKinds: fields.containsPii ? [PII_KINDS[0]] : [], urgency: "normal" as const }));

const constraintsArbitrary: fc.Arbitrary<RequestConstraints | undefined> = fc.option(
  fc.record(
    {
      requiresLocal: weighted(1, 2),
      timeoutMs: fc.integer({ min: 1_000, max: 600_000 }),
      maxLatencyMs: fc.integer({ min: 100, max: 10_000 }),
      maxCostPer1k: fc.integer({ min: 0, max: 100_000 }).map((microUsd) => microUsd / 1_000_000),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined, freq: 1 },
);

const answerArbitrary: fc.Arbitrary<ScriptedAnswer> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "success" as const }) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constantFrom(...FAILURE_KINDS), retryAfterMs: fc.integer({ min: 0, max: 120_000 }) }, { requiredKeys: ["kind"] }),
  },
);

/** A world: deployments d0…dn, config chains naming any of them (public ones for private tiers included). */
const worldArbitrary: fc.Arbitrary<CascadeWorld> = fc.array(deploymentFields, { minLength: 1, maxLength: 6 }).chain((fieldsList) => {
  const ids = fieldsList.map((_, index) => `d${index}`);
  const anyId = fc.constantFrom(...ids);
  return fc
    .record({
      fallbacks: fc.dictionary(fc.constantFrom(...TIERS, ...ids), fc.array(anyId, { minLength: 1, maxLength: 8 }), { maxKeys: 4 }),
      // Chains for the private tier and for every route that name every deployment, public ones first.
      greedyChains: fc.boolean(),
      tiers: fc.dictionary(
        fc.constantFrom(...TIERS),
        fc.record(
          { privateOnly: fc.boolean(), deployments: fc.subarray(ids, { minLength: 1 }), minQuality: fc.double({ min: 0, max: 1, noNaN: true }) },
          { requiredKeys: [] },
        ),
        { maxKeys: 2 },
      ),
      resilience: resilienceInput,
      classification: classificationArbitrary,
      constraints: constraintsArbitrary,
      requestedModel: fc.option(fc.constantFrom(...ids, "auto", "gpt-4o"), { nil: undefined }),
      maxOutputTokens: fc.option(fc.integer({ min: 1, max: 8_000 }), { nil: undefined }),
      answers: fc.array(answerArbitrary, { maxLength: 40 }),
      thenAlways: fc.constantFrom(...FAILURE_KINDS),
      initiallyOpen: fc.subarray(ids),
      circuitsResetBetweenRounds: fc.boolean(),
      seed: fc.integer(),
    })
    .map(({ fallbacks, greedyChains, tiers, resilience, ...rest }): CascadeWorld => {
      const deployments = fieldsList.map((fields, index) => ({ ...fields, id: ids[index], model: `model-${index}`, baseUrl: "http://127.0.0.1:4010/v1" }));
      const publicFirst = [...ids.filter((_, index) => !fieldsList[index]!.private), ...ids.filter((_, index) => fieldsList[index]!.private)];
      const greedy = greedyChains ? { private: publicFirst, ...Object.fromEntries(ids.map((id) => [id, publicFirst])) } : {};
      return { ...rest, config: configSchema.parse({ deployments, fallbacks: { ...fallbacks, ...greedy }, tiers, resilience }) };
    });
});

type PrivacyReason = "private tier" | "requiresLocal" | "PII";

/** Requests that must stay on private deployments, each for one reason (and perhaps others too). */
const privateWorldArbitrary: fc.Arbitrary<{ world: CascadeWorld; reason: PrivacyReason }> = fc
  .tuple(worldArbitrary, fc.constantFrom<PrivacyReason>("private tier", "requiresLocal", "PII"))
  .map(([world, reason]) => {
    switch (reason) {
      case "private tier":
        return { reason, world: { ...world, classification: { ...world.classification, tier: "private", containsPii: false, piiKinds: [] } } };
      case "requiresLocal":
        return { reason, world: { ...world, constraints: { ...world.constraints, requiresLocal: true } } };
      case "PII":
        return { reason, world: { ...world, classification: { ...world.classification, containsPii: true, piiKinds: ["email"] } } };
    }
  });

function deploymentsOf(world: CascadeWorld): Map<string, DeploymentConfig> {
  return new Map(world.config.deployments.map((deployment) => [deployment.id, deployment]));
}

/** The events of each round, by round number. */
function rounds(events: readonly CascadeEvent[]): CascadeEvent[][] {
  const byRound: CascadeEvent[][] = [];
  for (const event of events) {
    if (event.type === "round") byRound.push([]);
    byRound.at(-1)?.push(event);
  }
  return byRound;
}

function describeRun(world: CascadeWorld, result: SimulationResult): string {
  const trace = result.events
    .map((event) => {
      switch (event.type) {
        case "round":
          return `round ${event.round} @${event.atMs}: primary ${event.primary ?? "none"}, chain [${event.fallbacks.join(", ")}]`;
        case "dispatch":
          return `  → ${event.deploymentId} (${event.via}) @${event.atMs}`;
        case "call":
          return `    call ${event.deploymentId}: ${event.answer}`;
        case "decision":
          return `    ${event.failure} → ${event.step.kind}${event.step.kind === "fallback" ? ` ${event.step.deploymentId}` : ""}: ${event.step.reason}`;
        case "retry_round":
          return `  retry in ${event.delayMs} ms`;
      }
    })
    .join("\n");
  return `deadline ${result.deadlineAtMs}, resilience ${JSON.stringify({ ...world.config.resilience, breaker: undefined, cache: undefined })}\n${trace}\n→ ${JSON.stringify(result.outcome)}`;
}

describe("the cascade, simulated over random worlds", () => {
  it("(a) never sends a private-tier, requiresLocal or PII request to a non-private deployment", () => {
    const seen = { requests: 0, dispatched: 0, fellBack: 0, retriedRounds: 0 };
    fc.assert(
      fc.property(privateWorldArbitrary, ({ world, reason }) => {
        const result = simulateCascade(world);
        const byId = deploymentsOf(world);
        const isPrivate = (id: string | undefined) => id === undefined || byId.get(id)?.private === true;
        seen.requests += 1;
        for (const event of result.events) {
          const context = () => `${reason}\n${describeRun(world, result)}`;
          if (event.type === "round") {
            expect(isPrivate(event.primary), context()).toBe(true);
            expect(event.fallbacks.filter((id) => !isPrivate(id)), context()).toEqual([]);
            if (event.round > 0) seen.retriedRounds += 1;
          }
          if (event.type === "dispatch") {
            expect(isPrivate(event.deploymentId), context()).toBe(true);
            seen.dispatched += 1;
            if (event.via === "fallback") seen.fellBack += 1;
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // The property is not vacuous: private requests did reach deployments, fall back and come back for more rounds.
    expect(seen.dispatched).toBeGreaterThan(0);
    expect(seen.fellBack).toBeGreaterThan(0);
    expect(seen.retriedRounds).toBeGreaterThan(0);
  });

  it("(b) ends every request (success, failure or deadline) within (maxRounds + 1) × maxProviderCalls calls, none at or past the deadline", () => {
    const endings = new Map<string, number>();
    fc.assert(
      fc.property(worldArbitrary, (world) => {
        const result = simulateCascade(world);
        const ending = result.outcome.kind === "succeeded" ? "succeeded" : result.outcome.error.code;
        endings.set(ending, (endings.get(ending) ?? 0) + 1);
        const { maxProviderCalls, retryQueue } = world.config.resilience;
        const context = describeRun(world, result);
        expect(["succeeded", "failed"], context).toContain(result.outcome.kind);
        expect(result.providerCalls, context).toBeLessThanOrEqual((retryQueue.maxRounds + 1) * maxProviderCalls);
        const byRound = rounds(result.events);
        expect(byRound.length, context).toBeLessThanOrEqual(retryQueue.maxRounds + 1);
        for (const round of byRound) {
          expect(round.filter((event) => event.type === "call").length, context).toBeLessThanOrEqual(maxProviderCalls);
        }
        for (const event of result.events) {
          if (event.type === "dispatch" || event.type === "call") expect(event.atMs, context).toBeLessThan(result.deadlineAtMs);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Not vacuous: requests succeeded, ran out of time, and found no deployment at all.
    expect(endings.get("succeeded")).toBeGreaterThan(0);
    expect(endings.get("deadline_exceeded")).toBeGreaterThan(0);
    expect(endings.get("no_eligible_deployment")).toBeGreaterThan(0);
  });

  it("(c) never falls back to the same deployment twice within a round, nor to the round's primary, nor outside its chain", () => {
    fc.assert(
      fc.property(worldArbitrary, (world) => {
        const result = simulateCascade(world);
        for (const round of rounds(result.events)) {
          const start = round[0];
          if (start?.type !== "round") throw new Error("a round starts with its round event");
          const targets = round.flatMap((event) => (event.type === "dispatch" && event.via === "fallback" ? [event.deploymentId] : []));
          const context = describeRun(world, result);
          expect(new Set(targets).size, context).toBe(targets.length);
          expect(targets, context).not.toContain(start.primary);
          expect(targets.filter((id) => !start.fallbacks.includes(id)), context).toEqual([]);
          expect(targets.length, context).toBeLessThanOrEqual(world.config.resilience.maxFallbacks);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("(d) retries one deployment within a round only while the failure's policy allows another attempt", () => {
    let retries = 0;
    fc.assert(
      fc.property(worldArbitrary, (world) => {
        const result = simulateCascade(world);
        for (const event of result.events) {
          if (event.type !== "decision" || event.step.kind !== "retry_same") continue;
          retries += 1;
          const context = describeRun(world, result);
          expect(event.failure, context).not.toBe("circuit_open");
          expect(event.failure, context).not.toBe("no_capacity");
          if (event.failure === "circuit_open" || event.failure === "no_capacity") continue;
          // The retry is call number callsOnDeployment + 1 on this deployment in this round.
          expect(event.callsOnDeployment + 1, context).toBeLessThanOrEqual(world.config.resilience.onFailure[event.failure].maxAttempts);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(retries).toBeGreaterThan(0);
  });
});
