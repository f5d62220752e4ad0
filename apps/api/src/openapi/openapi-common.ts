/** Small builders shared by the path tables of the OpenAPI document. */
export type Json = Record<string, unknown>;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const json = (schema: Json, description: string, headers?: Json) => ({
  description,
  content: { "application/json": { schema } },
  ...(headers ? { headers } : {}),
});

export const object = (properties: Json, required: string[] = []) => ({ type: "object", properties, ...(required.length ? { required } : {}) });

/** Error answers by status, all in the one error shape (`#/components/schemas/Error`). */
export const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  "400": { name: "BadRequest", description: "Invalid input: the message names the parameter (`error.param`)." },
  "401": { name: "Unauthorized", description: "Missing or invalid API key." },
  "402": { name: "PaymentRequired", description: "The tenant's monthly budget is spent." },
  "403": { name: "Forbidden", description: "The key lacks the scope this needs, or names another tenant." },
  "404": { name: "NotFound", description: "No such resource (or it belongs to another tenant)." },
  "409": { name: "Conflict", description: "A conflicting operation is in progress." },
  "410": { name: "Gone", description: "The resource existed but is no longer available." },
  "413": { name: "PayloadTooLarge", description: "The body exceeds `api.bodyLimitBytes`." },
  "415": { name: "UnsupportedMediaType", description: "The body is not `application/json` (or not UTF-8)." },
  "422": { name: "UnprocessableEntity", description: "The request is well-formed but cannot be processed as sent." },
  "429": { name: "TooManyRequests", description: "A tenant limit was reached; see `retry-after`." },
  "503": { name: "Unavailable", description: "Storage or the queue is unavailable; nothing was accepted. Retry." },
};

export function errors(...statuses: number[]): Json {
  return Object.fromEntries(
    statuses.map((status) => {
      const response = ERROR_RESPONSES[String(status)];
      if (!response) throw new Error(`no shared error response for ${status}`);
      return [String(status), { $ref: `#/components/responses/${response.name}` }];
    }),
  );
}
