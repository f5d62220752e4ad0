import { describe, expect, it } from "vitest";
import { TIERS, DOMAINS, type Classification, type Tier } from "@switchyard/contracts";
import { deploymentSchema, loadConfig, type DeploymentConfig, type ScoringWeights, type TierPolicy } from "@switchyard/config";
import { classifyRequest } from "./classify-request.js";
import { selectDeployments, type Selection, type SelectionInput } from "./select-deployment.js";
import { seededRandom } from "./seeded-random.test-support.js";

function deployment(overrides: Partial<DeploymentConfig> & { id: string }): DeploymentConfig {
  return deploymentSchema.parse({
    provider: "openai",
    model: `${overrides.id}-model`,
    baseUrl: "http://127.0.0.1:4010/v1",
    pricePer1kInputUsd: 0.001,
    pricePer1kOutputUsd: 0.003,
    contextWindowTokens: 128_000,
    typicalLatencyMs: 1_000,
    quality: { general: 0.8 },
    ...overrides,
  });
}

function classification(overrides: Partial<Classification> = {}): Classification {
  return {
    complexity: "low",
    signals: [],
    domain: "general",
    estimatedInputTokens: 100,
    containsPii: false,
    piiKinds: [],
    urgency: "normal",
    tier: "standard",
    ...overrides,
  };
}

const BALANCED: ScoringWeights = { quality: 0.4, cost: 0.3, latency: 0.3 };

function select(deployments: DeploymentConfig[], overrides: Partial<SelectionInput> = {}): Selection {
  return selectDeployments({ classification: classification(), deployments, weights: BALANCED, ...overrides });
}

const rankedIds = (selection: Selection) => selection.ranked.map((entry) => entry.deployment.id);
const reasonFor = (selection: Selection, id: string) =>
  selection.rejected.find((rejection) => rejection.deploymentId === id)?.reason;


const cheapFast = deployment({
  id: "cheap-fast",
  quality: { general: 0.6 },
  pricePer1kInputUsd: 0.0002,
  pricePer1kOutputUsd: 0.0006,
  typicalLatencyMs: 400,
});
const smart = deployment({
  id: "smart",
  quality: { general: 0.95 },
  pricePer1kInputUsd: 0.004,
  pricePer1kOutputUsd: 0.008,
  typicalLatencyMs: 2_000,
});
const slowPricey = deployment({
  id: "slow-pricey",
  quality: { general: 0.9 },
  pricePer1kInputUsd: 0.005,
  pricePer1kOutputUsd: 0.015,
  typicalLatencyMs: 3_000,
});

describe("selectDeployments: scoring", () => {
  it("scores quality, relative cheapness and relative speed, normalised by the weight sum", () => {
    const premiumModel = deployment({ id: "a", quality: { general: 0.9 }, pricePer1kInputUsd: 0.002, pricePer1kOutputUsd: 0.008, typicalLatencyMs: 2_000 });
    const localModel = deployment({ id: "b", quality: { general: 0.6 }, pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0, typicalLatencyMs: 1_000 });
    const selection = select([premiumModel, localModel], { weights: { quality: 4, cost: 3, latency: 3 } });
    expect(rankedIds(selection)).toEqual(["b", "a"]);
    const [first, second] = selection.ranked;
    expect(first?.breakdown).toEqual({ quality: 0.6, cost: 1, latency: 0.5 });
    expect(first?.score).toBeCloseTo(0.69, 10);
    expect(second?.breakdown).toEqual({ quality: 0.9, cost: 0, latency: 0 });
    expect(second?.score).toBeCloseTo(0.36, 10);
    expect(selection.rejected).toEqual([]);
    expect(selection.relaxedMinQuality).toBe(false);
  });

  it("uses the quality for the request's domain, and general where the domain is not listed", () => {
    const coder = deployment({ id: "coder", quality: { general: 0.7, code: 0.95 } });
    const generalist = deployment({ id: "generalist", quality: { general: 0.85 } });
    const qualityOnly = { weights: { quality: 1, cost: 0, latency: 0 } };
    expect(rankedIds(select([generalist, coder], { ...qualityOnly, classification: classification({ domain: "code" }) }))).toEqual([
      "coder",
      "generalist",
    ]);
    const legal = select([generalist, coder], { ...qualityOnly, classification: classification({ domain: "legal" }) });
    expect(rankedIds(legal)).toEqual(["generalist", "coder"]);
    expect(legal.ranked[1]?.score).toBeCloseTo(0.7, 10);
  });

  it("gives every deployment full cost score when all are free", () => {
    const free = [
      deployment({ id: "x", pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0 }),
      deployment({ id: "y", pricePer1kInputUsd: 0, pricePer1kOutputUsd: 0 }),
    ];
    expect(select(free).ranked.map((entry) => entry.breakdown.cost)).toEqual([1, 1]);
  });

  it("lets the weights pick the winner: cheap and fast for fast weights, quality for premium weights", () => {
    const all = [cheapFast, smart, slowPricey];
    expect(rankedIds(select(all, { weights: { quality: 0.2, cost: 0.2, latency: 0.6 } }))[0]).toBe("cheap-fast");
    expect(rankedIds(select(all, { weights: { quality: 0.3, cost: 0.7, latency: 0 } }))[0]).toBe("cheap-fast");
    expect(rankedIds(select(all, { weights: { quality: 0.7, cost: 0.1, latency: 0.2 } }))[0]).toBe("smart");
  });

  it("prefers the policy's weights over the default weights", () => {
    const all = [cheapFast, smart, slowPricey];
    const policy: TierPolicy = { weights: { quality: 1, cost: 0, latency: 0 }, privateOnly: false, dispatchConcurrency: 64 };
    const selection = select(all, { policy, weights: { quality: 0, cost: 0, latency: 1 } });
    expect(rankedIds(selection)).toEqual(["smart", "slow-pricey", "cheap-fast"]);
  });

  it("is deterministic: config order does not matter and exact ties go to the lower id", () => {
    const twins = ["delta", "alpha", "charlie", "bravo"].map((id) => deployment({ id }));
    const selection = select(twins);
    expect(rankedIds(selection)).toEqual(["alpha", "bravo", "charlie", "delta"]);
    expect(new Set(selection.ranked.map((entry) => entry.score)).size).toBe(1);

    const all = [cheapFast, smart, slowPricey, ...twins];
    const expected = select(all);
    const shuffle = seededRandom(7);
    for (let round = 0; round < 20; round++) {
      const shuffled = [...all].sort(() => shuffle() - 0.5);
      expect(select(shuffled).ranked).toEqual(expected.ranked);
    }
  });
});

describe("selectDeployments: hard constraints", () => {
  it("rejects disabled and unavailable deployments", () => {
    const selection = select([deployment({ id: "off", enabled: false }), deployment({ id: "tripped" }), deployment({ id: "ok" })], {
      isAvailable: (id) => id !== "tripped",
    });
    expect(rankedIds(selection)).toEqual(["ok"]);
    expect(selection.rejected).toEqual([
      { deploymentId: "off", reason: "disabled" },
      { deploymentId: "tripped", reason: "unavailable" },
    ]);
  });

  it("sends PII, the private tier, private-only policies and requiresLocal only to private deployments", () => {
    const deployments = [deployment({ id: "cloud" }), deployment({ id: "local", private: true })];
    const cases: [Partial<SelectionInput>, string][] = [
      [{ classification: classification({ containsPii: true, piiKinds: ["email"], tier: "private" }) }, "request contains PII"],
      [{ classification: classification({ tier: "private" }) }, "private tier"],
      [{ policy: { privateOnly: true, dispatchConcurrency: 64 } }, "tier allows only private deployments"],
      [{ constraints: { requiresLocal: true } }, "requiresLocal"],
      // A classification that lists PII kinds but forgot the flag still cannot leak.
      [{ classification: classification({ piiKinds: ["iban"] }) }, "request contains PII"],
    ];
    for (const [overrides, why] of cases) {
      const selection = select(deployments, overrides);
      expect(rankedIds(selection)).toEqual(["local"]);
      expect(reasonFor(selection, "cloud")).toBe(`${why}: deployment is not private`);
    }
  });

  it("lets private deployments serve requests without PII too", () => {
    expect(rankedIds(select([deployment({ id: "local", private: true })]))).toEqual(["local"]);
  });

  it("keeps to the tier's allowlist", () => {
    const selection = select([deployment({ id: "a" }), deployment({ id: "b" })], {
      classification: classification({ tier: "premium" }),
      policy: { deployments: ["b"], privateOnly: false, dispatchConcurrency: 64 },
    });
    expect(rankedIds(selection)).toEqual(["b"]);
    expect(reasonFor(selection, "a")).toBe("not in the premium tier's deployments");
  });

  it("needs room for the input plus the output budget in the context window", () => {
    const small = deployment({ id: "small", contextWindowTokens: 8_192, defaultMaxOutputTokens: 1_024 });
    const large = deployment({ id: "large", contextWindowTokens: 200_000 });
    const fits = select([small, large], { classification: classification({ estimatedInputTokens: 7_168 }) });
    expect(rankedIds(fits)).toEqual(["small", "large"].sort());

    const defaultBudget = select([small, large], { classification: classification({ estimatedInputTokens: 7_169 }) });
    expect(reasonFor(defaultBudget, "small")).toBe("context window 8192 < 8193 tokens needed");

    const explicitBudget = select([small, large], {
      classification: classification({ estimatedInputTokens: 100 }),
      maxOutputTokens: 9_000,
    });
    expect(reasonFor(explicitBudget, "small")).toBe("context window 8192 < 9100 tokens needed");
    expect(rankedIds(explicitBudget)).toEqual(["large"]);
    expect(explicitBudget.needsTruncation).toBe(false);
  });

  it("keeps too-small deployments, marked for truncation, only when none holds the request", () => {
    const small = deployment({ id: "small", contextWindowTokens: 8_192 });
    const smaller = deployment({ id: "smaller", contextWindowTokens: 4_096 });
    const selection = select([small, smaller], { classification: classification({ estimatedInputTokens: 50_000 }) });
    expect(rankedIds(selection).sort()).toEqual(["small", "smaller"]);
    expect(selection.needsTruncation).toBe(true);
    expect(selection.rejected).toEqual([]);
  });

  it("prefers a lower-quality deployment that fits over truncating for a better one", () => {
    const bigWeak = deployment({ id: "big-weak", contextWindowTokens: 200_000, quality: { general: 0.5 } });
    const smallStrong = deployment({ id: "small-strong", contextWindowTokens: 8_192, quality: { general: 0.95 } });
    const selection = select([bigWeak, smallStrong], {
      classification: classification({ estimatedInputTokens: 50_000 }),
      policy: { minQuality: 0.9, privateOnly: false, dispatchConcurrency: 1 },
    });
    expect(rankedIds(selection)).toEqual(["big-weak"]);
    expect(selection.relaxedMinQuality).toBe(true);
    expect(selection.needsTruncation).toBe(false);
    expect(reasonFor(selection, "small-strong")).toMatch(/^context window/);
  });

  it("compares maxCostPer1k with the blended (mean of input and output) price", () => {
    const pricey = deployment({ id: "pricey", pricePer1kInputUsd: 0.003, pricePer1kOutputUsd: 0.006 });
    const cheap = deployment({ id: "cheap", pricePer1kInputUsd: 0.0004, pricePer1kOutputUsd: 0.0016 });
    const selection = select([pricey, cheap], { constraints: { maxCostPer1k: 0.002 } });
    expect(rankedIds(selection)).toEqual(["cheap"]);
    expect(reasonFor(selection, "pricey")).toBe("blended price 0.0045 > maxCostPer1k 0.002");
    // Exactly at the limit is allowed.
    expect(rankedIds(select([pricey], { constraints: { maxCostPer1k: 0.0045 } }))).toEqual(["pricey"]);
  });

  it("compares maxLatencyMs with typical latency", () => {
    const slow = deployment({ id: "slow", typicalLatencyMs: 3_000 });
    const quick = deployment({ id: "quick", typicalLatencyMs: 1_000 });
    const selection = select([slow, quick], { constraints: { maxLatencyMs: 1_000 } });
    expect(rankedIds(selection)).toEqual(["quick"]);
    expect(reasonFor(selection, "slow")).toBe("typical latency 3000ms > maxLatencyMs 1000");
  });

  it("applies the tier's minQuality to the domain's quality", () => {
    const weak = deployment({ id: "weak", quality: { general: 0.9, code: 0.7 } });
    const strong = deployment({ id: "strong", quality: { general: 0.8, code: 0.9 } });
    const selection = select([weak, strong], {
      classification: classification({ domain: "code", tier: "premium" }),
      policy: { minQuality: 0.85, privateOnly: false, dispatchConcurrency: 64 },
    });
    expect(rankedIds(selection)).toEqual(["strong"]);
    expect(reasonFor(selection, "weak")).toBe("code quality 0.70 < tier minimum 0.85");
    expect(selection.relaxedMinQuality).toBe(false);
  });

  it("ignores minQuality, and says so, when it would reject every otherwise eligible deployment", () => {
    const weak = deployment({ id: "weak", quality: { general: 0.7 } });
    const weaker = deployment({ id: "weaker", quality: { general: 0.6 } });
    const goodButOff = deployment({ id: "good-but-off", quality: { general: 0.95 }, enabled: false });
    const selection = select([weak, weaker, goodButOff], {
      weights: { quality: 1, cost: 0, latency: 0 },
      policy: { minQuality: 0.85, privateOnly: false, dispatchConcurrency: 64 },
    });
    expect(selection.relaxedMinQuality).toBe(true);
    expect(rankedIds(selection)).toEqual(["weak", "weaker"]);
    expect(selection.rejected).toEqual([{ deploymentId: "good-but-off", reason: "disabled" }]);
  });

  it("never relaxes privacy, cost or latency", () => {
    const selection = select([deployment({ id: "cloud", quality: { general: 0.99 } })], {
      classification: classification({ containsPii: true, piiKinds: ["phone"], tier: "private" }),
      policy: { minQuality: 0.5, privateOnly: true, dispatchConcurrency: 64 },
    });
    expect(selection.ranked).toEqual([]);
    expect(selection.relaxedMinQuality).toBe(false);
    expect(selection.rejected).toHaveLength(1);
  });

  it("reports the first constraint a deployment fails", () => {
    const selection = select([deployment({ id: "bad", enabled: false, contextWindowTokens: 10, typicalLatencyMs: 9_999 })], {
      classification: classification({ containsPii: true, piiKinds: ["email"] }),
      constraints: { maxLatencyMs: 100 },
    });
    expect(selection.rejected).toEqual([{ deploymentId: "bad", reason: "disabled" }]);
  });
});

describe("selectDeployments: requested model", () => {
  const deployments = [
    deployment({ id: "openai-gpt-4-1", model: "gpt-4.1" }),
    deployment({ id: "azure-gpt-4-1", model: "gpt-4.1", provider: "openai" }),
    deployment({ id: "claude", model: "claude-sonnet-4-5", provider: "anthropic" }),
    deployment({ id: "local", model: "llama-3.1-8b-instruct", provider: "local", private: true }),
  ];

  it("restricts the choice to a deployment id", () => {
    const selection = select(deployments, { requestedModel: "claude" });
    expect(rankedIds(selection)).toEqual(["claude"]);
    expect(reasonFor(selection, "local")).toBe('not the requested model "claude"');
  });

  it("restricts the choice to every deployment serving a model id", () => {
    expect(rankedIds(select(deployments, { requestedModel: "gpt-4.1" }))).toEqual(["azure-gpt-4-1", "openai-gpt-4-1"]);
  });

  it("leaves the choice to the router for auto, no model, or a model no deployment serves", () => {
    for (const requestedModel of ["auto", undefined, "gpt-3.5-turbo"]) {
      expect(select(deployments, { requestedModel }).ranked, String(requestedModel)).toHaveLength(4);
    }
  });

  it("restricts the choice to a pool's members when the model names a pool", () => {
    const pools = { "gpt-4-1-pool": { deployments: ["openai-gpt-4-1", "azure-gpt-4-1"] }, claude: { deployments: ["local", "openai-gpt-4-1"] } };
    const selection = select(deployments, { requestedModel: "gpt-4-1-pool", pools });
    expect(rankedIds(selection)).toEqual(["azure-gpt-4-1", "openai-gpt-4-1"]);
    expect(reasonFor(selection, "claude")).toBe('not in the requested pool "gpt-4-1-pool"');
    // A deployment's own id wins over a pool of the same name.
    expect(rankedIds(select(deployments, { requestedModel: "claude", pools }))).toEqual(["claude"]);
  });

  it("still enforces privacy: a PII request naming a cloud model is not sent there", () => {
    const selection = select(deployments, {
      requestedModel: "gpt-4.1",
      classification: classification({ containsPii: true, piiKinds: ["card"], tier: "private" }),
    });
    expect(selection.ranked).toEqual([]);
    expect(reasonFor(selection, "openai-gpt-4-1")).toBe("request contains PII: deployment is not private");
    expect(reasonFor(selection, "local")).toBe('not the requested model "gpt-4.1"');
  });
});

describe("selectDeployments: properties over random configurations", () => {
  function randomDeployments(next: () => number): DeploymentConfig[] {
    const count = 1 + Math.floor(next() * 8);
    return Array.from({ length: count }, (_, index) => {
      const quality: Partial<Record<(typeof DOMAINS)[number], number>> = { general: next() };
      for (const domain of DOMAINS) if (next() < 0.3) quality[domain] = next();
      return deployment({
        id: `d${index}`,
        model: next() < 0.3 ? "shared-model" : `model-${index}`,
        private: next() < 0.3,
        enabled: next() < 0.9,
        pricePer1kInputUsd: next() < 0.2 ? 0 : next() * 0.01,
        pricePer1kOutputUsd: next() < 0.2 ? 0 : next() * 0.03,
        contextWindowTokens: 1_000 + Math.floor(next() * 200_000),
        defaultMaxOutputTokens: 1 + Math.floor(next() * 4_000),
        typicalLatencyMs: 1 + Math.floor(next() * 5_000),
        quality: quality as DeploymentConfig["quality"],
      });
    });
  }

  function randomInput(next: () => number, overrides: Partial<Classification> = {}): SelectionInput {
    const deployments = randomDeployments(next);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
    const tier: Tier = pick(TIERS);
    const policy: TierPolicy | undefined =
      next() < 0.3
        ? undefined
        : {
            privateOnly: next() < 0.2,
            dispatchConcurrency: 64,
            ...(next() < 0.5 ? { minQuality: next() } : {}),
            ...(next() < 0.3 ? { deployments: deployments.filter(() => next() < 0.6).map((d) => d.id) } : {}),
            ...(next() < 0.5 ? { weights: { quality: next(), cost: next(), latency: next() + 0.01 } } : {}),
          };
    return {
      classification: classification({
        tier,
        domain: pick(DOMAINS),
        estimatedInputTokens: Math.floor(next() * 50_000),
        ...overrides,
      }),
      deployments,
      weights: { quality: next(), cost: next(), latency: next() + 0.01 },
      ...(policy ? { policy } : {}),
      ...(next() < 0.5 ? { requestedModel: pick([...deployments.map((d) => d.id), "shared-model", "auto", "unknown"]) } : {}),
      ...(next() < 0.5 ? { maxOutputTokens: 1 + Math.floor(next() * 8_000) } : {}),
      ...(next() < 0.3 ? { constraints: { maxCostPer1k: next() * 0.02, maxLatencyMs: 1 + Math.floor(next() * 5_000) } } : {}),
      ...(next() < 0.3 ? { isAvailable: () => next() < 0.8 } : {}),
    };
  }

  it("never ranks a non-private deployment for a request with PII", () => {
    const next = seededRandom(20_240_601);
    let rankedSomething = 0;
    for (let run = 0; run < 2_000; run++) {
      const input = randomInput(next, { containsPii: true, piiKinds: ["email"], tier: "private" });
      // Aim the requested model at a cloud deployment half the time: it must not matter.
      const cloud = input.deployments.find((d) => !d.private);
      if (cloud && next() < 0.5) input.requestedModel = cloud.id;
      const selection = selectDeployments(input);
      for (const entry of selection.ranked) expect(entry.deployment.private, `run ${run}`).toBe(true);
      if (selection.ranked.length > 0) rankedSomething++;
    }
    // The property is not vacuous: private deployments did get ranked.
    expect(rankedSomething).toBeGreaterThan(100);
  });

  it("puts every deployment in exactly one of ranked and rejected, ranked best first with scores in 0..1", () => {
    const next = seededRandom(42);
    for (let run = 0; run < 1_000; run++) {
      const input = randomInput(next);
      const selection = selectDeployments(input);
      const ids = [...rankedIds(selection), ...selection.rejected.map((rejection) => rejection.deploymentId)];
      expect(ids.sort(), `run ${run}`).toEqual(input.deployments.map((d) => d.id).sort());
      for (let index = 0; index < selection.ranked.length; index++) {
        const entry = selection.ranked[index]!;
        expect(entry.score).toBeGreaterThanOrEqual(0);
        expect(entry.score).toBeLessThanOrEqual(1 + 1e-12);
        const previous = selection.ranked[index - 1];
        if (previous) expect(previous.score).toBeGreaterThanOrEqual(entry.score);
      }
    }
  });
});

describe("selectDeployments with the shipped config", () => {
  const config = loadConfig({});
  const route = (body: Parameters<typeof classifyRequest>[0]) => {
    const routed = classifyRequest(body);
    const policy = config.tiers[routed.tier];
    return {
      classification: routed,
      selection: selectDeployments({
        classification: routed,
        constraints: body.constraints,
        requestedModel: body.model,
        maxOutputTokens: body.max_tokens,
        deployments: config.deployments,
        policy,
        weights: policy?.weights ?? config.weights,
      }),
    };
  };

  it("routes a PII request to the local deployment only", () => {
    const { classification: routed, selection } = route({
      messages: [{ role: "user", content: "Draft a reply to jane.doe@example.com about her refund." }],
    });
    expect(routed.tier).toBe("private");
    expect(rankedIds(selection)).toEqual(["local-llama-3-1-8b"]);
    expect(selection.rejected).toHaveLength(config.deployments.length - 1);
  });

  it("routes a hard code question to a premium-quality deployment", () => {
    const { classification: routed, selection } = route({
      messages: [
        {
          role: "user",
          content:
            "Explain step by step why this TypeScript function leaks memory, then compare two fixes.\n```ts\nconst cache = new Map();\nexport function get(key: string) { return cache.get(key) ?? load(key); }\n```",
        },
      ],
    });
    expect(routed).toMatchObject({ tier: "premium", domain: "code", complexity: "high" });
    expect(selection.ranked.length).toBeGreaterThan(0);
    for (const entry of selection.ranked) expect(entry.breakdown.quality).toBeGreaterThanOrEqual(0.85);
    expect(rankedIds(selection)).not.toContain("local-llama-3-1-8b");
    expect(rankedIds(selection)).not.toContain("openai-gpt-4-1-mini");
  });

  it("routes a realtime request to the fastest deployment", () => {
    const { classification: routed, selection } = route({
      messages: [{ role: "user", content: "Say hello." }],
      metadata: { urgency: "realtime" },
    });
    expect(routed.tier).toBe("fast");
    const fastest = Math.min(...config.deployments.map((d) => d.typicalLatencyMs));
    expect(selection.ranked[0]?.deployment.typicalLatencyMs).toBe(fastest);
  });

  it("honours a requested model id from the config", () => {
    const { selection } = route({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hello" }] });
    expect(rankedIds(selection)).toEqual(["anthropic-claude-haiku-4-5"]);
  });
});
