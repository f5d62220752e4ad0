import type { Logger } from "@switchyard/logging";
import type { SimState } from "./sim-state.js";
import type { RateLimitHeaders } from "./rate-limit-headers.js";

/** What every route handler of one simulator instance shares. */
export interface SimContext {
  state: SimState;
  logger: Logger;
  bodyLimitBytes: number;
  rateLimitHeaders: RateLimitHeaders;
  /** Answers waiting out their simulated latency; cleared on close so the process can exit at once. */
  pendingTimers: Set<NodeJS.Timeout>;
}
