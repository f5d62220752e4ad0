import type { ChatRequest } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { AnthropicRequestBody } from "./anthropic-request-schema.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
import { convertToAnthropicToolChoice, convertToAnthropicTools } from "./convert-to-anthropic-tools.js";
import { responseFormatInstruction } from "./response-format-instruction.js";
import { requestNotExpressible } from "./request-not-expressible.js";

/** Anthropic's temperature runs 0..1 where OpenAI's runs 0..2. */
export const ANTHROPIC_MAX_TEMPERATURE = 1;

export interface ConvertToAnthropicRequestOptions {
  /** Ask for server-sent events. */
  stream?: boolean;
}

/**
 * Switchyard's request → the body of Anthropic's `POST /v1/messages`. Throws a `bad_request` ProviderError
 * (see request-not-expressible.ts) when the request cannot be expressed without changing its meaning.
 *
 * - The deployment chooses the model; `max_tokens`, which Anthropic requires, defaults to the deployment's.
 * - System and developer messages become one `system` string, sections joined by a blank line, followed by the
 *   JSON instruction that stands in for `response_format` (see response-format-instruction.ts).
 * - A temperature above 1 is rejected, never clamped: 0..1 are sent as they are (both APIs default to 1 and
 *   treat 0 as near-greedy), but there is no Anthropic value that means OpenAI's 1.5.
 * - `seed` is ignored: Anthropic has no seed, and a seed asks for repeatability, not for a different answer;
 *   failing every seeded request would be worse than a best-effort answer that is not reproducible.
 * - `user` becomes `metadata.user_id`; Switchyard's own fields (metadata, constraints, tenant) stay home.
 */
export function convertToAnthropicRequest(
  request: ChatRequest,
  deployment: DeploymentConfig,
  options: ConvertToAnthropicRequestOptions = {},
): AnthropicRequestBody {
  const context = { provider: deployment.provider, deploymentId: deployment.id };
  if (request.temperature !== undefined && request.temperature > ANTHROPIC_MAX_TEMPERATURE) {
    throw requestNotExpressible(
      `cannot express temperature ${request.temperature} for Anthropic (0..${ANTHROPIC_MAX_TEMPERATURE})`,
      context,
    );
  }
  const conversation = convertToAnthropicMessages(request.messages, context);
  if (conversation.messages.length === 0) {
    throw requestNotExpressible("Anthropic needs at least one user or assistant message besides the system prompt", context);
  }

  const body: AnthropicRequestBody = {
    model: deployment.model,
    max_tokens: request.max_tokens ?? deployment.defaultMaxOutputTokens,
    messages: conversation.messages,
  };
  const jsonInstruction = responseFormatInstruction(request.response_format);
  const systemSections = jsonInstruction === undefined ? conversation.systemTexts : [...conversation.systemTexts, jsonInstruction];
  if (systemSections.length > 0) body.system = systemSections.join("\n\n");
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop_sequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  if (request.tools !== undefined) body.tools = convertToAnthropicTools(request.tools);
  if (request.tool_choice !== undefined) body.tool_choice = convertToAnthropicToolChoice(request.tool_choice);
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (options.stream) body.stream = true;
  return body;
}
