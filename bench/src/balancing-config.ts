import { writeFileSync } from "node:fs";

export const BALANCING_STRATEGIES = ["round_robin", "weighted", "least_connections", "latency", "cost"] as const;
export type BalancingStrategyName = (typeof BALANCING_STRATEGIES)[number];

export interface PoolMember {
  id: string;
  /** The model id it sends; the simulator gives each its own latency. */
  model: string;
  latencyMs: number;
  pricePer1kInputUsd: number;
  pricePer1kOutputUsd: number;
  /** Its weight under `weighted`. */
  weight: number;
}

export const BALANCING_POOL = "bench";

/**
 * Two equivalent deployments that trade speed for price, so the strategies disagree: `bal-fast` answers in
 * 20 ms at gpt-4.1's prices, `bal-cheap` in 80 ms at a fifth of them. `weighted` sends 3:1 to the fast one.
 */
export const POOL_MEMBERS: readonly PoolMember[] = [
  { id: "bal-fast", model: "bench-fast", latencyMs: 20, pricePer1kInputUsd: 0.002, pricePer1kOutputUsd: 0.008, weight: 3 },
  { id: "bal-cheap", model: "bench-cheap", latencyMs: 80, pricePer1kInputUsd: 0.0004, pricePer1kOutputUsd: 0.0016, weight: 1 },
];

/** The simulator's start config (SIM_CONFIG): each member's model answers after its fixed latency. */
export function balancingSimConfig() {
  return {
    latency: { kind: "fixed", ms: 0 },
    models: Object.fromEntries(POOL_MEMBERS.map((member) => [member.model, { latency: { kind: "fixed", ms: member.latencyMs } }])),
  };
}

/**
 * The balancing scenario's Switchyard config for one strategy (SWITCHYARD_CONFIG; JSON is YAML): the two
 * members, alone in the fleet and in one pool, so the router's first choice is always in the pool and the
 * strategy decides. Same quality, no rpm/tpm (every member has its whole budget: `weighted` is the weights
 * alone), and in-flight room for every client. The cache is off, since every request has the same prompt.
 */
export function balancingConfig(simUrl: string, strategy: BalancingStrategyName) {
  return {
    resilience: { cache: { defaultMode: "off" } },
    pools: {
      [BALANCING_POOL]: {
        strategy,
        deployments: POOL_MEMBERS.map((member) => member.id),
        weights: Object.fromEntries(POOL_MEMBERS.map((member) => [member.id, member.weight])),
      },
    },
    deployments: POOL_MEMBERS.map((member) => ({
      id: member.id,
      provider: "openai",
      format: "openai-chat",
      model: member.model,
      baseUrl: `${simUrl}/v1`,
      pricePer1kInputUsd: member.pricePer1kInputUsd,
      pricePer1kOutputUsd: member.pricePer1kOutputUsd,
      contextWindowTokens: 1_047_576,
      typicalLatencyMs: member.latencyMs,
      quality: { general: 0.85 },
      limits: { concurrency: 64 },
    })),
  };
}

export function writeBalancingConfig(path: string, simUrl: string, strategy: BalancingStrategyName): void {
  writeFileSync(path, `${JSON.stringify(balancingConfig(simUrl, strategy), null, 2)}\n`);
}
