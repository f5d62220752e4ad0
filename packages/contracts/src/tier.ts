import { z } from "zod";

/** Service tiers, each served by its own BullMQ queue. `batch` is for bulk, latency-tolerant work. */
export const TIERS = ["private", "premium", "fast", "standard", "batch"] as const;
export const tierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof tierSchema>;

/** BullMQ priority per tier (lower is served first); used when tiers share a deployment queue. */
export const TIER_PRIORITY: Record<Tier, number> = {
  fast: 1,
  premium: 2,
  private: 3,
  standard: 4,
  batch: 10,
};
