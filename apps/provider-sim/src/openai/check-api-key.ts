import type { IncomingMessage } from "node:http";
import { OPENAI_ERRORS } from "./openai-errors.js";
import type { OpenAiErrorBody } from "./openai-wire-schema.js";

/** OpenAI's 401 body when `Authorization: Bearer <key>` is missing or wrong; `undefined` when it may pass. */
export function checkApiKey(request: IncomingMessage, requiredKey: string | undefined): OpenAiErrorBody | undefined {
  if (requiredKey === undefined) return undefined;
  const header = request.headers.authorization;
  if (!header?.startsWith("Bearer ")) return OPENAI_ERRORS.missingApiKey();
  return header.slice("Bearer ".length).trim() === requiredKey ? undefined : OPENAI_ERRORS.invalidApiKey();
}
