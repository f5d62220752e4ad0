import type { z } from "zod";
import { ProviderError } from "@switchyard/contracts";
import { bodyExcerpt } from "./body-excerpt.js";
import type { ProviderErrorContext } from "./map-transport-error.js";

export interface ResponseBodyContext extends ProviderErrorContext {
  status: number;
}

/**
 * A 2xx body, parsed as JSON and validated as the format's answer (`what` names it in the error), with the
 * `invalid_response` error factory the mapper goes on to use for what the schema cannot rule out. Not JSON, or not
 * the expected shape (a proxy's HTML page, an error object with status 200, ...) → `invalid_response`.
 */
export function readResponseBody<T extends z.ZodType>(
  bodyText: string,
  schema: T,
  what: string,
  context: ResponseBodyContext,
): { body: z.infer<T>; invalid: (reason: string) => ProviderError } {
  const excerpt = bodyExcerpt(bodyText);
  const invalid = (reason: string) =>
    new ProviderError({
      kind: "invalid_response",
      message: `${context.status} answer is ${reason}`,
      httpStatus: context.status,
      provider: context.provider,
      deploymentId: context.deploymentId,
      bodyExcerpt: excerpt,
    });
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    throw invalid("not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalid(`not ${what} (${parsed.error.issues[0]?.path.join(".") || "body"})`);
  return { body: parsed.data, invalid };
}
