import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TIERS } from "@switchyard/contracts";
import { configSchema, deploymentSchema, type DeploymentConfig } from "@switchyard/config";
import { buildFallbackChain, type FallbackChainInput } from "./build-fallback-chain.js";

function deployment(id: string, provider: DeploymentConfig["provider"], overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  return deploymentSchema.parse({
    id,
    provider,
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

const gpt = deployment("gpt", "openai");
const gptMini = deployment("gpt-mini", "openai");
const sonnet = deployment("sonnet", "anthropic");
const gptNano = deployment("gpt-nano", "openai");
const flash = deployment("flash", "gemini");
const llama = deployment("llama", "local", { private: true });
const qwen = deployment("qwen", "local", { private: true });
const mistral = deployment("mistral", "local", { private: true });

function chain(overrides: Partial<FallbackChainInput> = {}): string[] {
  return buildFallbackChain({ primary: gpt, pool: [gpt, gptMini, sonnet, gptNano, flash], tier: "standard", configured: {}, maxFallbacks: 10, ...overrides });
}

describe("buildFallbackChain: configured chains", () => {
  it("follows the primary's own chain (keyed by its deployment id) over the tier's", () => {
    const configured = { gpt: ["flash", "gpt-nano"], standard: ["sonnet", "gpt-mini"] };
    expect(chain({ configured })).toEqual(["flash", "gpt-nano"]);
  });

  it("follows the tier's chain when the primary has none", () => {
    const configured = { sonnet: ["flash"], standard: ["gpt-nano", "sonnet"], premium: ["flash"] };
    expect(chain({ configured })).toEqual(["gpt-nano", "sonnet"]);
  });

  it("keeps a configured chain's order, even against the ranking", () => {
    expect(chain({ configured: { standard: ["flash", "gpt-mini", "sonnet"] } })).toEqual(["flash", "gpt-mini", "sonnet"]);
  });

  it("drops what the pool does not hold: a public deployment for a private request, an open circuit, a disabled one", () => {
    // The pool is what the dispatcher ranked for this request: only private deployments, `qwen`'s circuit open.
    const configured = { private: ["gpt", "qwen", "sonnet", "mistral", "flash"] };
    expect(buildFallbackChain({ primary: llama, pool: [llama, mistral], tier: "private", configured, maxFallbacks: 10 })).toEqual(["mistral"]);
  });

  it("never names the primary, and names each deployment once", () => {
    expect(chain({ configured: { gpt: ["gpt", "sonnet", "gpt", "sonnet", "flash", "sonnet"] } })).toEqual(["sonnet", "flash"]);
  });

  it("does not fall back to the derived chain when the pool rules out every configured entry", () => {
    // The configured chain is the operator's word: an empty one after filtering means no fallback, not "any".
    expect(buildFallbackChain({ primary: llama, pool: [llama, qwen], tier: "private", configured: { llama: ["gpt", "sonnet"] }, maxFallbacks: 3 })).toEqual([]);
  });

  it("caps a configured chain at maxFallbacks, counted after filtering", () => {
    const configured = { gpt: ["qwen", "sonnet", "gpt", "flash", "gpt-nano", "gpt-mini"] };
    expect(chain({ configured, maxFallbacks: 2 })).toEqual(["sonnet", "flash"]);
    expect(chain({ configured, maxFallbacks: 0 })).toEqual([]);
  });

  it("reads only the chains the config defines, whatever the deployment is called", () => {
    // A valid deployment id that is also a member of every plain object must not be mistaken for a configured chain.
    const [odd, other] = configSchema.parse({ deployments: [deployment("constructor", "openai"), deployment("tostring", "anthropic")] }).deployments;
    const pool = [odd!, other!];
    expect(buildFallbackChain({ primary: odd!, pool, tier: "standard", configured: {}, maxFallbacks: 3 })).toEqual(["tostring"]);
    expect(buildFallbackChain({ primary: odd!, pool, tier: "standard", configured: { constructor: ["tostring"] }, maxFallbacks: 3 })).toEqual(["tostring"]);
  });
});

describe("buildFallbackChain: derived from the pool", () => {
  it("puts the best-ranked deployment of another provider first, then the rest in rank order", () => {
    expect(chain()).toEqual(["sonnet", "gpt-mini", "gpt-nano", "flash"]);
  });

  it("keeps rank order when the runner-up is already another provider's", () => {
    expect(chain({ pool: [gpt, flash, gptMini, sonnet] })).toEqual(["flash", "gpt-mini", "sonnet"]);
  });

  it("keeps rank order when every deployment shares the primary's provider", () => {
    expect(chain({ pool: [gpt, gptMini, gptNano] })).toEqual(["gpt-mini", "gpt-nano"]);
  });

  it("is empty when the primary is the whole pool", () => {
    expect(chain({ pool: [gpt] })).toEqual([]);
  });

  it("caps the chain at maxFallbacks, the other provider's deployment kept first", () => {
    expect(chain({ maxFallbacks: 2 })).toEqual(["sonnet", "gpt-mini"]);
    expect(chain({ maxFallbacks: 1 })).toEqual(["sonnet"]);
    expect(chain({ maxFallbacks: 0 })).toEqual([]);
  });

  it("uses the pool as given, never a deployment outside it", () => {
    // The primary named by `request.model` may be missing from a pool ranked without it; nothing else is added.
    expect(buildFallbackChain({ primary: gpt, pool: [llama, qwen], tier: "private", configured: {}, maxFallbacks: 3 })).toEqual(["llama", "qwen"]);
  });
});

describe("buildFallbackChain: for any configuration", () => {
  const everyone = [gpt, gptMini, sonnet, gptNano, flash, llama, qwen, mistral];
  const ids = everyone.map((candidate) => candidate.id);

  it("names only pool members, never the primary, none twice, at most maxFallbacks", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(everyone, { minLength: 1 }),
        fc.nat(),
        fc.constantFrom(...TIERS),
        fc.dictionary(fc.constantFrom(...TIERS, ...ids), fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 10 }), { maxKeys: 4 }),
        fc.integer({ min: 0, max: 8 }),
        (pool, primaryIndex, tier, configured, maxFallbacks) => {
          const primary = pool[primaryIndex % pool.length]!;
          const result = buildFallbackChain({ primary, pool, tier, configured, maxFallbacks });
          const poolIds = new Set(pool.map((candidate) => candidate.id));
          expect(result.every((id) => poolIds.has(id))).toBe(true);
          expect(result).not.toContain(primary.id);
          expect(new Set(result).size).toBe(result.length);
          expect(result.length).toBeLessThanOrEqual(maxFallbacks);
          if (configured[primary.id] === undefined && configured[tier] === undefined) {
            expect(result.length).toBe(Math.min(maxFallbacks, pool.length - 1));
            const firstOtherProvider = pool.find((candidate) => candidate.provider !== primary.provider);
            if (firstOtherProvider && maxFallbacks > 0) expect(result[0]).toBe(firstOtherProvider.id);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
