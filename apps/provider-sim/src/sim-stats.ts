/** Requests the simulator answered since start or the last reset. Statuses are keyed as strings ("200"). */
export interface SimStats {
  startedAtMs: number;
  totalRequests: number;
  byStatus: Record<string, number>;
  byModel: Record<string, { requests: number; byStatus: Record<string, number> }>;
  /** How often each fault fired: `outage`, `injected_error`, `rate_limited`, `partial_body`, ... */
  faults: Record<string, number>;
}

/**
 * Status recorded when the client went away before the simulated latency elapsed (nginx's convention), so
 * chaos tests can see cancelled calls.
 */
export const CLIENT_CLOSED_STATUS = 499;

/** Faults the simulator produced, counted so chaos tests can check that a knob actually fired. */
export type SimFaultName =
  | "outage"
  | "injected_error"
  | "rate_limited"
  | "context_length"
  | "content_filter"
  | "slow_body"
  | "partial_body"
  | "invalid_json";

/** Counts generation answers per model and per status. Maps, because model ids come from clients. */
export class SimStatsRecorder {
  #startedAtMs = Date.now();
  #totalRequests = 0;
  #byStatus = new Map<number, number>();
  #byModel = new Map<string, { requests: number; byStatus: Map<number, number> }>();
  #faults = new Map<SimFaultName, number>();

  get startedAtMs(): number {
    return this.#startedAtMs;
  }

  record(model: string | undefined, status: number): void {
    this.#totalRequests++;
    increment(this.#byStatus, status);
    if (model === undefined) return;
    let entry = this.#byModel.get(model);
    if (!entry) {
      entry = { requests: 0, byStatus: new Map() };
      this.#byModel.set(model, entry);
    }
    entry.requests++;
    increment(entry.byStatus, status);
  }

  recordFault(fault: SimFaultName): void {
    increment(this.#faults, fault);
  }

  snapshot(): SimStats {
    return {
      startedAtMs: this.#startedAtMs,
      totalRequests: this.#totalRequests,
      byStatus: Object.fromEntries(this.#byStatus),
      byModel: Object.fromEntries(
        [...this.#byModel].map(([model, entry]) => [
          model,
          { requests: entry.requests, byStatus: Object.fromEntries(entry.byStatus) },
        ]),
      ),
      faults: Object.fromEntries(this.#faults),
    };
  }

  reset(): void {
    this.#startedAtMs = Date.now();
    this.#totalRequests = 0;
    this.#byStatus.clear();
    this.#byModel.clear();
    this.#faults.clear();
  }
}

function increment<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
