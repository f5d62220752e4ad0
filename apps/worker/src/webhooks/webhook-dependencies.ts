import type { Dispatcher } from "undici";
import type { SwitchyardConfig } from "@switchyard/config";
import type { Logger } from "@switchyard/logging";
import type { QueueRegistry, RequestStore, TenantSigningSecrets, WebhookEndpointStore } from "@switchyard/queue";

/** What the outbox consumer, the delivery worker and the dead-letter worker share. */
export interface WebhookDependencies {
  config: SwitchyardConfig;
  store: RequestStore;
  endpoints: WebhookEndpointStore;
  secrets: TenantSigningSecrets;
  queues: QueueRegistry;
  /** The SSRF-guarded agent every delivery goes through (guarded-agent.ts). */
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => number;
  random: () => number;
}
