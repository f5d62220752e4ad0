import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BALANCING_STRATEGIES, deploymentSchema, type BalancingStrategy, type DeploymentConfig } from "@switchyard/config";
import { choosePoolMember, type PoolChoiceInput, type PoolMemberState } from "./choose-pool-member.js";
import { seededRandom } from "../seeded-random.test-support.js";

function deployment(id: string, overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  return deploymentSchema.parse({
    id,
    provider: "openai",
    model: `${id}-model`,
    baseUrl: "http://127.0.0.1:4010/v1",
    pricePer1kInputUsd: 0.001,
    pricePer1kOutputUsd: 0.003,
    contextWindowTokens: 128_000,
    typicalLatencyMs: 1_000,
    quality: { general: 0.8 },
    ...overrides,
  });
}

function member(id: string, overrides: Partial<Omit<PoolMemberState, "deployment">> = {}, config: Partial<DeploymentConfig> = {}): PoolMemberState {
  return { deployment: deployment(id, config), available: true, inFlight: 0, remainingShare: 1, ...overrides };
}

function choose(strategy: BalancingStrategy, members: PoolMemberState[], overrides: Partial<PoolChoiceInput> = {}) {
  return choosePoolMember({
    pool: "chat",
    strategy,
    weights: {},
    members,
    estimatedInputTokens: 1_000,
    maxOutputTokens: 500,
    roundRobinCounter: 0,
    random: () => 0,
    ...overrides,
  });
}


describe("choosePoolMember", () => {
  it("chooses nobody, for every strategy, when no member is available", () => {
    for (const strategy of BALANCING_STRATEGIES) {
      const choice = choose(strategy, [member("a", { available: false }), member("b", { available: false })]);
      expect(choice).toEqual({ deploymentId: undefined, reason: `pool "chat" (${strategy}): no member available (a, b)` });
    }
  });

  it("labels the reason without a pool name when none is given", () => {
    const { pool: _pool, ...rest } = {
      pool: "chat",
      strategy: "least_connections" as const,
      weights: {},
      members: [member("a")],
      estimatedInputTokens: 0,
      maxOutputTokens: 0,
      roundRobinCounter: 0,
      random: () => 0,
    };
    expect(choosePoolMember(rest).reason).toBe("pool (least_connections): a has 0 in flight, the only member available");
  });

  describe("round_robin", () => {
    const members = [member("a"), member("b", { available: false }), member("c"), member("d")];

    it("takes the available members in config order, counter mod their count", () => {
      const picks = [0, 1, 2, 3, 4, 5].map((counter) => choose("round_robin", members, { roundRobinCounter: counter }).deploymentId);
      expect(picks).toEqual(["a", "c", "d", "a", "c", "d"]);
      expect(choose("round_robin", members, { roundRobinCounter: 7 }).reason).toBe('pool "chat" (round_robin): c is turn 2 of 3 available');
    });

    it("copes with counters that are negative or past 2^53", () => {
      expect(choose("round_robin", members, { roundRobinCounter: -1 }).deploymentId).toBe("d");
      expect(choose("round_robin", members, { roundRobinCounter: 2 ** 60 }).deploymentId).toBeDefined();
    });
  });

  describe("weighted", () => {
    it("draws in proportion to weight × remaining share, and says so", () => {
      const members = [member("a"), member("b", { remainingShare: 0.5 })];
      const weights = { a: 1, b: 2 };
      // Effective weights 1 and 1: a owns [0, 0.5), b owns [0.5, 1).
      expect(choose("weighted", members, { weights, random: () => 0.49 }).deploymentId).toBe("a");
      expect(choose("weighted", members, { weights, random: () => 0.5 })).toEqual({
        deploymentId: "b",
        reason: 'pool "chat" (weighted): b drawn at 50% (weight 2 × 50% budget left)',
      });
      expect(choose("weighted", members, { weights, random: () => 0.999_999_999_999 }).deploymentId).toBe("b");
    });

    it("gives a member not listed in weights the weight 1", () => {
      const members = [member("a"), member("b")];
      expect(choose("weighted", members, { weights: { a: 3 }, random: () => 0.74 }).deploymentId).toBe("a");
      expect(choose("weighted", members, { weights: { a: 3 }, random: () => 0.75 }).deploymentId).toBe("b");
    });

    it("never draws a member with no budget left, and chooses nobody when none has any", () => {
      const members = [member("a", { remainingShare: 0 }), member("b", { remainingShare: 0.1 })];
      expect(choose("weighted", members, { random: () => 0 }).deploymentId).toBe("b");
      const spent = [member("a", { remainingShare: 0 }), member("b", { remainingShare: 0 }), member("c", { available: false })];
      expect(choose("weighted", spent)).toEqual({
        deploymentId: undefined,
        reason: 'pool "chat" (weighted): no member has rate budget left (a, b)',
      });
    });
  });

  describe("least_connections", () => {
    it("takes the fewest calls in flight, and reports the runner-up", () => {
      const members = [member("openai-b", { inFlight: 5 }), member("openai-a", { inFlight: 2 }), member("openai-c", { inFlight: 9 })];
      expect(choose("least_connections", members)).toEqual({
        deploymentId: "openai-a",
        reason: 'pool "chat" (least_connections): openai-a has 2 in flight vs 5',
      });
    });

    it("breaks ties by config order and ignores unavailable members", () => {
      const members = [member("a", { inFlight: 0, available: false }), member("b", { inFlight: 3 }), member("c", { inFlight: 3 })];
      expect(choose("least_connections", members)).toEqual({
        deploymentId: "b",
        reason: 'pool "chat" (least_connections): b has 3 in flight vs 3',
      });
    });
  });

  describe("latency", () => {
    it("takes the lowest moving average when every member is measured; ties by config order", () => {
      const members = [member("a", { latencyEwmaMs: 900 }), member("b", { latencyEwmaMs: 420.4 }), member("c", { latencyEwmaMs: 610 })];
      expect(choose("latency", members)).toEqual({ deploymentId: "b", reason: 'pool "chat" (latency): b averages 420 ms vs 610 ms' });
      const tied = [member("a", { latencyEwmaMs: 500 }), member("b", { latencyEwmaMs: 500 })];
      expect(choose("latency", tied).deploymentId).toBe("a");
    });

    it("tries a member with no data first, so that it gets measured", () => {
      const members = [member("a", { latencyEwmaMs: 100 }), member("b", { latencyEwmaMs: 200 }), member("c")];
      expect(choose("latency", members)).toEqual({ deploymentId: "c", reason: 'pool "chat" (latency): c has no latency data yet' });
    });

    it("sends one unmeasured member no more traffic while its measurement is in flight", () => {
      const members = [member("a", { latencyEwmaMs: 300 }), member("b", { inFlight: 1 })];
      expect(choose("latency", members).deploymentId).toBe("a");
      const twoNew = [member("a", { latencyEwmaMs: 300 }), member("b", { inFlight: 1 }), member("c")];
      expect(choose("latency", twoNew).deploymentId).toBe("c");
    });

    it("spreads by calls in flight while no member has data yet", () => {
      const members = [member("a", { inFlight: 4 }), member("b", { inFlight: 2 }), member("c", { inFlight: 2 })];
      expect(choose("latency", members)).toEqual({
        deploymentId: "b",
        reason: 'pool "chat" (latency): b has no latency data yet and the fewest in flight (2)',
      });
    });
  });

  describe("cost", () => {
    it("takes the cheapest for this request's tokens, not the cheapest per token on average", () => {
      // 1000 in, 500 out: a = (1000×0.001 + 500×0.01)/1000 = $0.006; b = (1000×0.004 + 500×0.001)/1000 = $0.0045.
      // (Blended per 1k, a is 0.0055 and b 0.0025: b is cheaper either way; with 10 in / 2000 out, a is.)
      const members = [
        member("a", {}, { pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.01 }),
        member("b", {}, { pricePer1kInputUsd: 0.004, pricePer1kOutputUsd: 0.001 }),
      ];
      expect(choose("cost", members)).toEqual({ deploymentId: "b", reason: 'pool "chat" (cost): b costs $0.00450 for this request vs $0.00600' });
      const inputHeavy = [
        member("a", {}, { pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.01 }),
        member("b", {}, { pricePer1kInputUsd: 0.01, pricePer1kOutputUsd: 0.001 }),
      ];
      expect(choose("cost", inputHeavy, { estimatedInputTokens: 10_000, maxOutputTokens: 100 }).deploymentId).toBe("a");
      expect(choose("cost", inputHeavy, { estimatedInputTokens: 100, maxOutputTokens: 10_000 }).deploymentId).toBe("b");
    });

    it("breaks ties by config order, skipping unavailable members", () => {
      const free = { pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0 };
      const members = [member("a", { available: false }, free), member("b", {}, free), member("c", {}, free)];
      expect(choose("cost", members)).toEqual({ deploymentId: "b", reason: 'pool "chat" (cost): b costs $0 for this request vs $0' });
    });
  });

  describe("properties", () => {
    const memberArbitrary = fc.record({
      available: fc.boolean(),
      inFlight: fc.nat(50),
      latencyEwmaMs: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
      remainingShare: fc.double({ min: 0, max: 1, noNaN: true }),
      pricePer1kInputUsd: fc.double({ min: 0, max: 0.1, noNaN: true }),
      pricePer1kOutputUsd: fc.double({ min: 0, max: 0.1, noNaN: true }),
    });
    const poolArbitrary = fc.array(memberArbitrary, { minLength: 1, maxLength: 8 }).map((states) =>
      states.map(({ pricePer1kInputUsd, pricePer1kOutputUsd, latencyEwmaMs, ...state }, index) => ({
        ...member(`d${index}`, {}, { pricePer1kInputUsd, pricePer1kOutputUsd }),
        ...state,
        ...(latencyEwmaMs === undefined ? {} : { latencyEwmaMs }),
      })),
    );

    it("never picks an unavailable member, and picks someone whenever one is available (weighted: with budget)", () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...BALANCING_STRATEGIES),
          poolArbitrary,
          fc.integer(),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          fc.dictionary(fc.constantFrom("d0", "d1", "d2", "d3"), fc.double({ min: 0.01, max: 100, noNaN: true })),
          (strategy, members, counter, draw, weights) => {
            const choice = choose(strategy, members, { roundRobinCounter: counter, random: () => draw, weights });
            const hasBudget = (state: PoolMemberState) => (weights[state.deployment.id] ?? 1) * state.remainingShare > 0;
            const eligible = members.filter((state) => state.available && (strategy !== "weighted" || hasBudget(state)));
            if (eligible.length === 0) {
              expect(choice.deploymentId).toBeUndefined();
              return;
            }
            const chosen = members.find((state) => state.deployment.id === choice.deploymentId);
            expect(chosen?.available).toBe(true);
            expect(eligible).toContain(chosen);
            expect(choice.reason).toMatch(new RegExp(`^pool "chat" \\(${strategy}\\): ${choice.deploymentId} `));
          },
        ),
      );
    });

    it("least_connections and cost pick the first member with the minimum among the available", () => {
      fc.assert(
        fc.property(poolArbitrary, (members) => {
          const available = members.filter((state) => state.available);
          fc.pre(available.length > 0);
          const firstMinimum = (valueOf: (state: PoolMemberState) => number) => {
            const minimum = Math.min(...available.map(valueOf));
            return available.find((state) => valueOf(state) === minimum)?.deployment.id;
          };
          expect(choose("least_connections", members).deploymentId).toBe(firstMinimum((state) => state.inFlight));
          const cost = (state: PoolMemberState) =>
            (1_000 * state.deployment.pricePer1kInputUsd + 500 * state.deployment.pricePer1kOutputUsd) / 1000;
          expect(choose("cost", members).deploymentId).toBe(firstMinimum(cost));
        }),
      );
    });

    it("latency prefers an idle unmeasured member, else the lowest average", () => {
      fc.assert(
        fc.property(poolArbitrary, (members) => {
          const available = members.filter((state) => state.available);
          fc.pre(available.length > 0);
          const chosen = members.find((state) => state.deployment.id === choose("latency", members).deploymentId)!;
          const idleUnmeasured = available.find((state) => state.latencyEwmaMs === undefined && state.inFlight === 0);
          const measured = available.filter((state) => state.latencyEwmaMs !== undefined);
          if (idleUnmeasured) expect(chosen).toBe(idleUnmeasured);
          else if (measured.length > 0) expect(chosen.latencyEwmaMs).toBe(Math.min(...measured.map((state) => state.latencyEwmaMs!)));
          else expect(chosen.inFlight).toBe(Math.min(...available.map((state) => state.inFlight)));
        }),
      );
    });

    it("round_robin cycles evenly over the available members, in config order", () => {
      fc.assert(
        fc.property(poolArbitrary, fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 5 }), (members, start, rounds) => {
          const available = members.filter((state) => state.available).map((state) => state.deployment.id);
          fc.pre(available.length > 0);
          const picks = Array.from(
            { length: rounds * available.length },
            (_, offset) => choose("round_robin", members, { roundRobinCounter: start + offset }).deploymentId,
          );
          for (const id of available) expect(picks.filter((pick) => pick === id)).toHaveLength(rounds);
          // Consecutive counters take consecutive members (wrapping), i.e. config order.
          for (let offset = 1; offset < picks.length; offset++) {
            const previous = available.indexOf(picks[offset - 1]!);
            expect(picks[offset]).toBe(available[(previous + 1) % available.length]);
          }
        }),
      );
    });

    it("weighted draws are roughly proportional to weight × remaining share (seeded random)", () => {
      const draws = 20_000;
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              weight: fc.integer({ min: 1, max: 10 }),
              remainingShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
              available: fc.boolean(),
            }),
            { minLength: 1, maxLength: 5 },
          ),
          fc.integer(),
          (specs, seed) => {
            fc.pre(specs.some((spec) => spec.available));
            const members = specs.map((spec, index) => member(`d${index}`, { remainingShare: spec.remainingShare, available: spec.available }));
            const weights = Object.fromEntries(specs.map((spec, index) => [`d${index}`, spec.weight]));
            const random = seededRandom(seed);
            const counts = new Map<string, number>();
            for (let draw = 0; draw < draws; draw++) {
              const id = choose("weighted", members, { weights, random }).deploymentId!;
              counts.set(id, (counts.get(id) ?? 0) + 1);
            }
            const total = specs.reduce((sum, spec) => sum + (spec.available ? spec.weight * spec.remainingShare : 0), 0);
            specs.forEach((spec, index) => {
              const expected = spec.available ? (spec.weight * spec.remainingShare) / total : 0;
              // 20k draws: one standard deviation of a share is at most 0.0036, so 0.02 is over five.
              expect(Math.abs((counts.get(`d${index}`) ?? 0) / draws - expected)).toBeLessThan(0.02);
            });
          },
        ),
        { numRuns: 30 },
      );
    });
  });
});
