import type { ClientFormat, RequestRecord } from "@switchyard/contracts";
import { toSnake } from "../http/to-snake.js";
import { clientResponse } from "./client-formats/client-response.js";

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
