/**
 * A deployment's `limits` from the config file (`deployment.limits` in packages/config/src/config-schema.ts,
 * where their meaning and defaults live): requests and tokens per `windowMs`, and calls in flight at once,
 * fleet-wide. Unset `rpm`/`tpm` are not enforced (reservations are still counted, for snapshots and for a
 * limit set later). They are passed on every call, so a config change applies from the next call; every
 * process should run with the same limits, since each enforces the ones it passes.
 */
export interface LimiterSettings {
  rpm?: number;
  tpm?: number;
  concurrency: number;
  windowMs: number;
}

/**
 * How long a limiter's keys live after a grant: past both the end of its reservation's time in the window
 * and the end of its lease, so neither can outlive the keys holding it, and a deployment that stops being
 * called leaves nothing behind for long. Only ever lengthened (see lua/limiter-acquire-4.lua).
 */
export function limiterKeyTtlMs(settings: Pick<LimiterSettings, "windowMs">, leaseMs: number): number {
  return settings.windowMs + leaseMs;
}
