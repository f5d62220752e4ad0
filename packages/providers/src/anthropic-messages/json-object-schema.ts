import { z } from "zod";

/**
 * A JSON object (a tool's `input` or `input_schema`), returned as is. `z.record` would copy it key by key, and
 * an own `__proto__` key (legal JSON, and a legal tool argument name) would become the copy's prototype.
 */
export const jsonObjectSchema = z.custom<Record<string, unknown>>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  { error: "expected a JSON object" },
);
