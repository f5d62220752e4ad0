import type { Hop, RequestRecord } from "@switchyard/contracts";

/**
 * Reading what the fleet did from the request records alone: which provider hops called a provider, and how
 * many of them fell into any interval or overlapped at any instant. A provider hop's `startedAtMs` is taken in
 * the same tick as the rate limiter's reservation (call-deployment.ts reads the clock, parses the job, then
 * calls acquire() without awaiting anything in between), and its end is read before the lease is released, so
 * a hop's span lies within its reservation and its in-flight lease, give or take the job parse (a few ms).
 */

/** Refusals made before any call (the circuit, the rate budget): no provider saw them. */
const NO_CALL = new Set(["circuit_open", "no_capacity"]);

export const endOf = (hop: Hop): number => hop.startedAtMs + hop.durationMs;

/** The provider hops of `deploymentId` that made a call (answered ok or with a provider error), by start time. */
export function callHops(records: Iterable<RequestRecord>, deploymentId: string): Hop[] {
  const hops: Hop[] = [];
  for (const record of records) {
    for (const hop of record.hops) {
      if (hop.stage !== "provider" || hop.deploymentId !== deploymentId) continue;
      if (hop.error && NO_CALL.has(hop.error.code)) continue;
      hops.push(hop);
    }
  }
  return hops.sort((a, b) => a.startedAtMs - b.startedAtMs);
}

/**
 * The largest total `weight` of events whose times fall in one half-open interval `[t, t + intervalMs)`.
 * Sliding the interval's start over every event's time is enough: a busiest interval can always be moved
 * right until it starts at an event.
 */
export function busiestInterval(events: readonly { atMs: number; weight: number }[], intervalMs: number): { total: number; fromMs: number } {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  let best = { total: 0, fromMs: sorted[0]?.atMs ?? 0 };
  let end = 0;
  let total = 0;
  for (let start = 0; start < sorted.length; start++) {
    const fromMs = sorted[start]!.atMs;
    while (end < sorted.length && sorted[end]!.atMs < fromMs + intervalMs) total += sorted[end++]!.weight;
    if (total > best.total) best = { total, fromMs };
    total -= sorted[start]!.weight;
  }
  return best;
}

/** The most spans `[startMs, endMs)` open at one instant. */
export function maxOverlap(spans: readonly { startMs: number; endMs: number }[]): number {
  // At equal times an end sorts before a start: a span that ends as another begins does not overlap it.
  const edges = spans.flatMap((span) => (span.endMs > span.startMs ? [{ atMs: span.startMs, delta: 1 }, { atMs: span.endMs, delta: -1 }] : []));
  edges.sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.delta;
    most = Math.max(most, open);
  }
  return most;
}

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One line per hop, for failure messages. */
export function describeHops(record: RequestRecord): string {
  return record.hops
    .map((hop) => `${hop.n}:${hop.stage}:${hop.deploymentId ?? "-"}:${hop.outcome}${hop.error ? `(${hop.error.code})` : ""}@${hop.startedAtMs}+${hop.durationMs}`)
    .join(" ");
}
