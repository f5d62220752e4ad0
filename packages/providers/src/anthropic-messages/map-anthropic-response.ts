import type { IncomingHttpHeaders } from "node:http";
import type { ChatResult, ToolCall } from "@switchyard/contracts";
import { anthropicResponseSchema } from "./anthropic-response-schema.js";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";
import { mapAnthropicUsage } from "./map-anthropic-usage.js";
import { readResponseBody } from "../read-response-body.js";
import { parseRateLimitHeaders } from "../rate-limit/parse-rate-limit-headers.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

export interface AnthropicResponseContext extends ProviderErrorContext {
  status: number;
  /** Reported as the model when the server names none. */
  requestedModel: string;
  /** The answer's headers; their rate-limit budget is attached to the result when they carry one. */
  headers?: IncomingHttpHeaders;
  nowMs?: number;
}

/**
 * A 2xx body → `ChatResult`: text blocks joined (as a stream's text deltas would be), `tool_use` blocks as
 * tool calls with their input as JSON text. Not JSON, or not a `message` → `invalid_response`.
 */
export function mapAnthropicResponse(bodyText: string, context: AnthropicResponseContext): ChatResult {
  const { body: response } = readResponseBody(bodyText, anthropicResponseSchema, "an Anthropic message", context);
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.content) {
    if (block.type === "text" && "text" in block) texts.push(block.text);
    if (block.type === "tool_use" && "input" in block) {
      toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } });
    }
  }
  const rateLimit = context.headers === undefined ? undefined : parseRateLimitHeaders(context.headers, context.nowMs);
  return {
    model: response.model ?? context.requestedModel,
    message: {
      role: "assistant",
      content: texts.length === 0 ? null : texts.join(""),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    finishReason: mapAnthropicStopReason(response.stop_reason),
    usage: mapAnthropicUsage(response.usage),
    ...(response.id === undefined ? {} : { providerResponseId: response.id }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}
