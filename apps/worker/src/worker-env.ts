import { z } from "zod";

/**
 * How long a job's lock lives without renewal, and how often each worker looks for jobs whose lock ran out.
 * A SIGKILLed worker's jobs run again after about lock + interval; the chaos tests shorten both to seconds.
 * An event loop blocked for longer than the lock makes a healthy worker's jobs look stalled (they run twice),
 * so production values stay well above the longest stall.
 */
const lockShape = {
  SWITCHYARD_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).default(30_000),
  SWITCHYARD_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(15_000),
};
const lockIntervalIsShorter = (env: { SWITCHYARD_LOCK_DURATION_MS: number; SWITCHYARD_STALLED_INTERVAL_MS: number }) =>
  env.SWITCHYARD_STALLED_INTERVAL_MS <= env.SWITCHYARD_LOCK_DURATION_MS;
const lockIntervalMessage = { message: "must not exceed SWITCHYARD_LOCK_DURATION_MS", path: ["SWITCHYARD_STALLED_INTERVAL_MS"] };

/** The job-lock part of the environment, read where BullMQ workers are built (`worker-options.ts`). */
export const workerLockEnvSchema = z.object(lockShape).refine(lockIntervalIsShorter, lockIntervalMessage);
export type WorkerLockEnv = z.infer<typeof workerLockEnvSchema>;

/** Environment the worker reads, parsed once at boot. */
export const workerEnvSchema = z
  .object({
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Which roles this process runs; a fleet can split dispatchers from provider pools. */
    SWITCHYARD_WORKER_ROLES: z
      .string()
      .default("dispatcher,providers")
      .transform((value) => value.split(",").map((role) => role.trim()).filter(Boolean))
      .pipe(z.array(z.enum(["dispatcher", "providers"])).min(1)),
    /** Only these providers' pools run here (comma-separated); all when empty. */
    SWITCHYARD_PROVIDERS: z
      .string()
      .default("")
      .transform((value) => value.split(",").map((provider) => provider.trim()).filter(Boolean)),
    /** Bound on a graceful shutdown: active jobs get this long to finish. */
    SWITCHYARD_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /**
     * `fleet` (default): deployments' rpm/tpm/concurrency enforced fleet-wide in Redis. `bullmq`: only BullMQ's
     * plain per-queue job limiter (rpm jobs per window), the naive baseline the benchmark compares against.
     */
    SWITCHYARD_RATE_LIMITER: z.enum(["fleet", "bullmq"]).default("fleet"),
    ...lockShape,
  })
  .refine(lockIntervalIsShorter, lockIntervalMessage);
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
