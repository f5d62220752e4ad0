import type { RequestRecord } from "./request-record.js";

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

/**
 * A webhook's `data`: the request as `GET /v1/requests/:id` shows it (snake_case keys, `object: "request"`), less
 * `response`, the result rendered in the client's wire format, which only the API can render; `result` carries
 * the same answer in Switchyard's own shape.
 */
export function webhookRequestData(record: RequestRecord): Record<string, unknown> {
  return { object: "request", ...(toSnake(record) as Record<string, unknown>) };
}
