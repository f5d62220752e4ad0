import { z } from "zod";

/** Environment the API reads, parsed once at boot. */
export const apiEnvSchema = z.object({
  SWITCHYARD_ADMIN_KEY: z.string().min(16, "SWITCHYARD_ADMIN_KEY must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Base URL printed at start (behind a proxy it differs from the listen address). */
  SWITCHYARD_PUBLIC_URL: z.url().optional(),
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;
