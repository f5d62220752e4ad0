export { startProviderSim, DEFAULT_BODY_LIMIT_BYTES } from "./start-provider-sim.js";
export type { ProviderSim, StartProviderSimOptions } from "./start-provider-sim.js";
export {
  simConfigSchema,
  latencySchema,
  modelBehaviourSchema,
  outageSchema,
  simErrorStatusSchema,
  parseSimConfig,
  resolveModelBehaviour,
  SIM_ERROR_STATUSES,
  DEFAULT_MODEL_BEHAVIOUR,
} from "./sim-config.js";
export type {
  SimConfig,
  SimConfigInput,
  Latency,
  ModelBehaviour,
  Outage,
  SimErrorStatus,
} from "./sim-config.js";
export type { SimStats, SimFaultName } from "./sim-stats.js";
export { CLIENT_CLOSED_STATUS } from "./sim-stats.js";
export { UNENFORCED_REQUESTS_LIMIT, UNENFORCED_TOKENS_LIMIT } from "./limits/rate-limiter.js";
export { readStartOptions, DEFAULT_SIM_PORT, DEFAULT_SIM_HOST } from "./start-options.js";
export type { SimStartOptions } from "./start-options.js";
