import type { Latency } from "./sim-config.js";
import type { RandomSource } from "./random-source.js";

/** z such that P(Z ≤ z) = 0.99 for a standard normal Z. */
const Z_99 = 2.3263478740408408;

/** Draws one latency in whole milliseconds from the configured distribution. */
export function sampleLatencyMs(latency: Latency, random: RandomSource): number {
  switch (latency.kind) {
    case "fixed":
      return Math.round(latency.ms);
    case "uniform":
      return Math.round(latency.minMs + random() * (latency.maxMs - latency.minMs));
    case "lognormal": {
      // ln(latency) ~ Normal(mu, sigma): the median fixes mu, the p99 fixes sigma.
      const mu = Math.log(latency.medianMs);
      const sigma = (Math.log(latency.p99Ms) - mu) / Z_99;
      return Math.round(Math.exp(mu + sigma * standardNormal(random)));
    }
  }
}

/** Box–Muller transform. */
function standardNormal(random: RandomSource): number {
  const u1 = 1 - random(); // (0, 1], so the logarithm is finite
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
