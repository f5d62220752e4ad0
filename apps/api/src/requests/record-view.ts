import type { ClientFormat, RequestRecord } from "@switchyard/contracts";
import { clientResponse } from "./client-formats/client-response.js";

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
 * The public JSON of a request record: the stored record with snake_case keys, like the rest of the API, plus, once
 * it succeeded, `response`: the result in the client's format (the one it submitted in, unless `format` says
 * otherwise), kept verbatim because it is another API's document.
 */
export function recordView(record: RequestRecord, format: ClientFormat = record.clientFormat): Record<string, unknown> {
  const presented = clientResponse(format, record);
  return {
    object: "request",
    ...(toSnake(record) as Record<string, unknown>),
    ...(presented === undefined ? {} : "response" in presented ? { response: presented.response } : { response_error: presented.responseError }),
  };
}
