import type { RequestRecord } from "@switchyard/contracts";

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function toSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnake);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snakeCase(key), toSnake(inner)]));
  }
  return value;
}

/** The public JSON of a request record: the stored record with snake_case keys, like the rest of the API. */
export function recordView(record: RequestRecord): Record<string, unknown> {
  return { object: "request", ...(toSnake(record) as Record<string, unknown>) };
}
