import { z } from "zod";
import { finishReasonSchema, tokenUsageSchema, type ChatResult } from "./chat-result.js";
import { requestErrorSchema } from "./request-record.js";

/**
 * A streamed answer, normalized: every provider's server-sent events map onto these, and every client
 * format is produced from them.
 */
export const chatStreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), model: z.string(), providerResponseId: z.string().optional() }),
  z.object({ type: z.literal("text-delta"), text: z.string() }),
  z.object({
    type: z.literal("tool-call-delta"),
    /** Position of the call in the message's tool_calls. */
    index: z.number().int().nonnegative(),
    id: z.string().optional(),
    name: z.string().optional(),
    argumentsDelta: z.string(),
  }),
  z.object({ type: z.literal("finish"), finishReason: finishReasonSchema, usage: tokenUsageSchema }),
]);
export type ChatStreamEvent = z.infer<typeof chatStreamEventSchema>;

/**
 * One entry of a request's stream in Redis (`{prefix}:request:<id>:stream`), written by the provider worker and
 * relayed by the API. `hop` marks the provider call (the job) that wrote it: a call that failed before its first
 * event wrote nothing, so the entries the reader sees come from one call, the one that served the request.
 *
 * - `event`: a normalized event, in order (`start`, `text-delta`, `tool-call-delta`; never `finish`);
 * - `done`: the last entry of a served request, written once the record says `succeeded`: the finish reason,
 *   usage and cost (the `finish` event's content, plus what only the record knows);
 * - `error`: the last entry of a stream that broke after it began (no fallback is possible then: the caller
 *   has part of an answer), or of a cancelled one.
 */
export const requestStreamEntrySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("event"),
    hop: z.number().int().positive(),
    deploymentId: z.string(),
    event: chatStreamEventSchema,
  }),
  z.object({
    kind: z.literal("done"),
    hop: z.number().int().positive(),
    deploymentId: z.string(),
    finishReason: finishReasonSchema,
    usage: tokenUsageSchema,
    costUsd: z.number().nonnegative(),
  }),
  z.object({
    kind: z.literal("error"),
    hop: z.number().int().positive().optional(),
    error: requestErrorSchema,
  }),
]);
export type RequestStreamEntry = z.infer<typeof requestStreamEntrySchema>;

/**
 * A whole answer as the events a stream of it would have carried (`start`, the text, each tool call in one piece,
 * `finish`): for relaying an answer that did not come as a stream (a response-cache hit, an adapter without
 * `stream`) to a caller that asked for one.
 */
export function chatResultToStreamEvents(result: ChatResult): ChatStreamEvent[] {
  const { model, providerResponseId } = result;
  const events: ChatStreamEvent[] = [{ type: "start", model, ...(providerResponseId === undefined ? {} : { providerResponseId }) }];
  if (result.message.content) events.push({ type: "text-delta", text: result.message.content });
  for (const [index, toolCall] of (result.message.tool_calls ?? []).entries()) {
    events.push({ type: "tool-call-delta", index, id: toolCall.id, name: toolCall.function.name, argumentsDelta: toolCall.function.arguments });
  }
  events.push({ type: "finish", finishReason: result.finishReason, usage: result.usage });
  return events;
}
