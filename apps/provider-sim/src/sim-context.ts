import type { Logger } from "@switchyard/logging";
import type { SimState } from "./sim-state.js";

/** What every route handler of one simulator instance shares. */
export interface SimContext {
  state: SimState;
  logger: Logger;
  bodyLimitBytes: number;
  /** Answers waiting out their simulated latency or trickling a slow body; cleared on close so the process can exit at once. */
  pendingTimers: Set<NodeJS.Timeout>;
}
