import { parseSimConfig, resolveModelBehaviour, type ModelBehaviour, type SimConfig } from "./sim-config.js";
import { createRandomSource, type RandomSource } from "./random-source.js";
import { SimStatsRecorder } from "./sim-stats.js";
import { RateLimiter } from "./limits/rate-limiter.js";

const BEHAVIOUR_CACHE_MAX_ENTRIES = 10_000;

/**
 * The simulator's mutable state: the live config (replaceable at runtime), the random source drawn from for
 * latency and fault injection, the per-model rate-limit windows and the stats. The config given at start is
 * kept for `reset()`. Rate-limit windows survive config changes (a provider does not forget your usage when
 * you change a setting) and are cleared only by `reset()`.
 */
export class SimState {
  readonly stats = new SimStatsRecorder();
  readonly limiter = new RateLimiter();
  readonly #startConfig: SimConfig;
  #config: SimConfig;
  #random: RandomSource;
  /** Resolved behaviour per model, rebuilt lazily after every config change: the hot path only reads a Map. */
  #behaviours = new Map<string, ModelBehaviour>();

  constructor(startConfig: SimConfig) {
    this.#startConfig = startConfig;
    this.#config = startConfig;
    this.#random = createRandomSource(startConfig.seed);
  }

  get config(): SimConfig {
    return this.#config;
  }

  /** Replaces the config. Throws the `ZodError` when `input` is not a valid `SimConfigInput`. */
  replaceConfig(input: unknown): SimConfig {
    this.#apply(parseSimConfig(input));
    return this.#config;
  }

  /** Replaces the top-level fields present in `patch`, keeping the others. Throws a `ZodError` when invalid. */
  patchConfig(patch: unknown): SimConfig {
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return this.replaceConfig(patch);
    this.#apply(parseSimConfig({ ...this.#config, ...patch }));
    return this.#config;
  }

  /** Back to the config given at start, with empty stats and the random source re-seeded. */
  reset(): void {
    this.#apply(this.#startConfig);
    this.stats.reset();
    this.limiter.reset();
  }

  behaviourFor(model: string): ModelBehaviour {
    let behaviour = this.#behaviours.get(model);
    if (!behaviour) {
      behaviour = resolveModelBehaviour(this.#config, model);
      // Model ids come from clients; a flood of distinct ones must not grow this without bound.
      if (this.#behaviours.size >= BEHAVIOUR_CACHE_MAX_ENTRIES) this.#behaviours.clear();
      this.#behaviours.set(model, behaviour);
    }
    return behaviour;
  }

  isModelAllowed(model: string): boolean {
    return this.#config.allowedModels === undefined || this.#config.allowedModels.includes(model);
  }

  /** Where scheduled outages are measured from: the start, or the last reset. */
  get startedAtMs(): number {
    return this.stats.startedAtMs;
  }

  random(): number {
    return this.#random();
  }

  #apply(config: SimConfig): void {
    const reseed = config.seed !== this.#config.seed || config === this.#startConfig;
    this.#config = config;
    this.#behaviours = new Map();
    if (reseed) this.#random = createRandomSource(config.seed);
  }
}
