import { z } from "zod";

/** Environment the worker reads, parsed once at boot. */
export const workerEnvSchema = z.object({
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
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
