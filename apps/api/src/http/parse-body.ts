import type { z } from "zod";
import { ApiError } from "./api-error.js";

/** Validates with zod and turns the first issue into a 400 naming the offending parameter. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw ApiError.badRequest("invalid request");
  let path = issue.path.map(String).join(".");
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
    path = keys[0] ?? path;
    message = `unknown field${keys.length > 1 ? "s" : ""}: ${keys.join(", ")}`;
  }
  const extra = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : "";
  throw ApiError.badRequest(path ? `${path}: ${message}${extra}` : `${message}${extra}`, path || null);
}
