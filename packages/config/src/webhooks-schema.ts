import { z } from "zod";
import { parseCidr } from "@switchyard/contracts";

/** Standard Webhooks' schedule: after the first (immediate) attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

const allowlistEntrySchema = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (entry) => parseCidr(entry) !== undefined || /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/.test(entry),
    "must be a host name (optionally `*.` for its subdomains), an IP address or a CIDR range",
  );

/**
 * Webhook delivery (see docs/architecture.md, "Webhooks"). Defaults are production's: no private addresses, the
 * spec's multi-day retry schedule; tests shorten the schedule and allow 127.0.0.1.
 */
export const webhooksSchema = z
  .object({
    /**
     * Delays before each retry, in order: its length is the number of retries (attempts = length + 1). Each delay
     * gets ± `jitterRatio` of random jitter, and a receiver's `retry-after` is honoured when it asks for longer.
     */
    retryScheduleMs: z.array(z.number().int().nonnegative().max(7 * 24 * 3_600_000)).max(20).default(DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS),
    jitterRatio: z.number().min(0).max(1).default(0.2),
    /** One attempt's whole budget: connect, send, and the receiver's answer (the spec suggests 15-30 s). */
    attemptTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    /**
     * Hosts that may be private (loopback, RFC 1918, link-local, ...): host names, IP addresses or CIDR ranges.
     * Empty in production; `127.0.0.1` for local development and tests. Metadata addresses are refused unless
     * listed themselves.
     */
    allowPrivateHosts: z.array(allowlistEntrySchema).max(256).default([]),
    /** Deliveries in flight per worker process. */
    deliveryConcurrency: z.number().int().positive().max(1000).default(32),
    maxEndpointsPerTenant: z.number().int().positive().max(1000).default(20),
    /** How long an outbox entry may sit unacknowledged with a dead consumer before another takes it over. */
    reclaimIdleMs: z.number().int().min(1_000).default(60_000),
  })
  .strict()
  .prefault({});
export type WebhooksConfig = z.infer<typeof webhooksSchema>;
