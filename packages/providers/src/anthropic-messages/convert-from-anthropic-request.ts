import type { z } from "zod";
import { chatRequestSchema, type ChatMessage, type ChatRequest } from "@switchyard/contracts";
import { anthropicRequestSchema } from "./anthropic-request-schema.js";
import { convertFromAnthropicMessages } from "./convert-from-anthropic-messages.js";
import { convertFromAnthropicToolChoice, convertFromAnthropicTools } from "./convert-from-anthropic-tools.js";

export type ConvertFromAnthropicRequestResult =
  | {
      success: true;
      request: ChatRequest;
      /** The client asked for server-sent events. */
      stream: boolean;
    }
  | {
      success: false;
      /** What is wrong, for a 400 answer. */
      message: string;
      /** Where, as `a.b.0.c`; "" for the body. */
      path: string;
    };

/**
 * The body an Anthropic-format client sent to `POST /v1/messages` → Switchyard's request, or why it cannot be
 * one. Validated twice: as an Anthropic request (what Switchyard cannot express, such as `top_k`, thinking,
 * server tools or document blocks, is rejected with a reason), then as Switchyard's request (its limits, such as
 * at most 4 stop sequences, apply). The system prompt, string or text blocks, becomes one leading system
 * message; `cache_control` marks and `tool_result.is_error` are dropped (see anthropic-request-schema.ts).
 */
export function convertFromAnthropicRequest(body: unknown): ConvertFromAnthropicRequestResult {
  const parsed = anthropicRequestSchema.safeParse(body);
  if (!parsed.success) return failure(parsed.error, "");
  const anthropic = parsed.data;

  const systemText =
    anthropic.system === undefined || typeof anthropic.system === "string"
      ? anthropic.system
      : anthropic.system.map((block) => block.text).join("\n\n");
  const system: ChatMessage[] = systemText === undefined ? [] : [{ role: "system", content: systemText }];
  const request: ChatRequest = {
    model: anthropic.model,
    messages: [...system, ...convertFromAnthropicMessages(anthropic.messages)],
    max_tokens: anthropic.max_tokens,
  };
  if (anthropic.temperature !== undefined) request.temperature = anthropic.temperature;
  if (anthropic.top_p !== undefined) request.top_p = anthropic.top_p;
  if (anthropic.stop_sequences !== undefined) request.stop = anthropic.stop_sequences;
  if (anthropic.tools !== undefined) request.tools = convertFromAnthropicTools(anthropic.tools);
  if (anthropic.tool_choice !== undefined) request.tool_choice = convertFromAnthropicToolChoice(anthropic.tool_choice);
  if (typeof anthropic.metadata?.user_id === "string") request.user = anthropic.metadata.user_id;

  const validated = chatRequestSchema.safeParse(request);
  if (!validated.success) return failure(validated.error, "not expressible in Switchyard's request: ");
  return { success: true, request: validated.data, stream: anthropic.stream ?? false };
}

function failure(error: z.ZodError, prefix: string): ConvertFromAnthropicRequestResult {
  const first = error.issues[0];
  const issue = first === undefined ? { path: [], message: "invalid request" } : mostSpecificIssue(first);
  const path = issue.path.map(String).join(".");
  return { success: false, message: `${prefix}${path ? `${path}: ` : ""}${issue.message}`, path };
}

/**
 * For a value that matched no option of a union ("content is a string or blocks"), the issue of the option that
 * got furthest into the value: a client that sent blocks wants to hear which block is wrong, not that its
 * content is not a string. Union issues' paths are relative to the union.
 */
function mostSpecificIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code !== "invalid_union") return issue;
  const optionIssues = issue.errors.flatMap((issues) => (issues[0] === undefined ? [] : [issues[0]]));
  const furthest = optionIssues.reduce<z.core.$ZodIssue | undefined>(
    (best, candidate) => (best === undefined || candidate.path.length > best.path.length ? candidate : best),
    undefined,
  );
  if (furthest === undefined) return issue;
  const nested = mostSpecificIssue(furthest);
  return { path: [...issue.path, ...nested.path], message: nested.message };
}
