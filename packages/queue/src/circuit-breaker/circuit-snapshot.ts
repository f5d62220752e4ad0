import type { BreakerSettings } from "./breaker-settings.js";

export type CircuitState = "closed" | "open" | "half_open";

/** What a circuit looks like at one instant, for the dispatcher's choice and the API's listing. */
export interface CircuitSnapshot {
  deploymentId: string;
  state: CircuitState;
  /** Failures and calls counted in the current window (0 outside closed, or once the window has lapsed). */
  failures: number;
  calls: number;
  /** When the current counting window began (closed only). */
  windowStartMs?: number;
  /** When the circuit last opened (open and half_open only). */
  openedAtMs?: number;
  /** The earliest time a probe may be let through (open and half_open only); may lie in the past. */
  retryAtMs?: number;
  /** How many times this circuit entered the open state (opened, reopened, tripped) since its key was created. */
  openedTotal: number;
}

/** The hash fields the Lua scripts keep (lua/breaker-*.lua), in the order `circuitSnapshotFrom` reads them. */
export const CIRCUIT_FIELDS = [
  "state",
  "failures",
  "calls",
  "windowStartMs",
  "openedAtMs",
  "probeLeaseUntilMs",
  "openedTotal",
] as const;

type FieldValues = readonly (string | null | undefined)[];

function numberOrUndefined(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads a circuit's stored fields as the scripts would see them at `nowMs`, without changing anything:
 * an open circuit whose reset timeout has passed reads as half_open (the next admission would make it so),
 * and a counting window older than `windowMs` reads as empty (the next result would restart it).
 */
export function circuitSnapshotFrom(
  deploymentId: string,
  values: FieldValues,
  nowMs: number,
  settings: Pick<BreakerSettings, "windowMs" | "resetTimeoutMs">,
): CircuitSnapshot {
  const [state, failures, calls, windowStartMs, openedAtMs, probeLeaseUntilMs, openedTotal] = values;
  const opened = numberOrUndefined(openedTotal) ?? 0;

  if (state === "open" || state === "half_open") {
    const openedAt = numberOrUndefined(openedAtMs) ?? 0;
    const reopensAtMs = openedAt + settings.resetTimeoutMs;
    const leaseUntilMs = numberOrUndefined(probeLeaseUntilMs);
    const effective: CircuitState = state === "open" && nowMs < reopensAtMs ? "open" : "half_open";
    const retryAtMs = state === "half_open" && leaseUntilMs !== undefined ? leaseUntilMs : reopensAtMs;
    return { deploymentId, state: effective, failures: 0, calls: 0, openedAtMs: openedAt, retryAtMs, openedTotal: opened };
  }

  const windowStart = numberOrUndefined(windowStartMs);
  if (windowStart === undefined || nowMs - windowStart >= settings.windowMs) {
    return { deploymentId, state: "closed", failures: 0, calls: 0, openedTotal: opened };
  }
  return {
    deploymentId,
    state: "closed",
    failures: numberOrUndefined(failures) ?? 0,
    calls: numberOrUndefined(calls) ?? 0,
    windowStartMs: windowStart,
    openedTotal: opened,
  };
}
