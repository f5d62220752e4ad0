import { z } from "zod";

/**
 * How a request uses the response cache: `prefer` serves an exact match before any provider call,
 * `fallback` only as the cascade's stage after every deployment failed (the default), `off` never reads
 * or writes it.
 */
export const CACHE_MODES = ["prefer", "fallback", "off"] as const;
export const cacheModeSchema = z.enum(CACHE_MODES);
export type CacheMode = z.infer<typeof cacheModeSchema>;
