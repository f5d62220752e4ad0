import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chatRequestSchema, type ChatMessage, type ChatRequest, type ContentPart, type ToolCall } from "@switchyard/contracts";
import { convertToAnthropicRequest } from "./convert-to-anthropic-request.js";
import { convertFromAnthropicRequest } from "./convert-from-anthropic-request.js";
import { anthropicRequestSchema } from "./anthropic-request-schema.js";
import { testDeployment } from "../conformance/test-deployment.js";

const deployment = testDeployment({
  baseUrl: "http://127.0.0.1:1/v1",
  provider: "anthropic",
  format: "anthropic-messages",
  model: "claude-sonnet-4-5",
});

/*
 * Requests in the form a round trip keeps: at most one system message, first; user and assistant turns
 * alternating, with an assistant's tool calls answered by tool messages before the next assistant turn; no
 * message names or image details; tools with parameters; `stop` as an array; JSON-mode and seed left out (see
 * convert-to-anthropic-request.ts for what happens to each of those).
 */
// `__proto__` as a key round-trips in JSON but not through zod's record copy in chatRequestSchema.
const key = fc.string({ maxLength: 8 }).filter((text) => text !== "__proto__");
/** JSON as it crosses the wire: `-0` is written as `0`, so the generator must not expect it back. */
const wireJson = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const jsonObject = fc.dictionary(key, wireJson, { maxKeys: 4 });
const toolName = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const unitInterval = fc.double({ min: 0, max: 1, noNaN: true }).map((value) => value + 0); // + 0 turns -0 into 0

const imagePart: fc.Arbitrary<ContentPart> = fc
  .oneof(
    fc
      .tuple(fc.constantFrom("image/png", "image/jpeg", "image/gif", "image/webp"), fc.base64String({ minLength: 4, maxLength: 40 }))
      .map(([mediaType, data]) => `data:${mediaType};base64,${data}`),
    fc.webUrl({ withQueryParameters: true }),
  )
  .map((url) => ({ type: "image_url", image_url: { url } }));
const textPart: fc.Arbitrary<ContentPart> = fc.string().map((text) => ({ type: "text", text }));

const userMessage: fc.Arbitrary<ChatMessage> = fc
  .oneof(fc.string(), fc.array(fc.oneof(textPart, imagePart), { minLength: 1, maxLength: 3 }))
  .map((content) => ({ role: "user", content }));

const plainAssistantMessage: fc.Arbitrary<ChatMessage> = fc
  .oneof(fc.string(), fc.array(textPart, { minLength: 1, maxLength: 3 }))
  .map((content) => ({ role: "assistant", content }));

const toolCall: fc.Arbitrary<ToolCall> = fc
  .record({ id: fc.string({ minLength: 1, maxLength: 24 }), name: toolName, input: jsonObject })
  .map(({ id, name, input }) => ({ id, type: "function", function: { name, arguments: JSON.stringify(input) } }));

/** An assistant turn that calls tools, and the tool messages that answer each call. */
const toolRound: fc.Arbitrary<ChatMessage[]> = fc
  .record({
    content: fc.option(fc.string({ minLength: 1 }), { nil: null }),
    toolCalls: fc.array(toolCall, { minLength: 1, maxLength: 3 }),
    results: fc.array(fc.oneof(fc.string(), fc.array(textPart, { minLength: 1, maxLength: 2 })), { minLength: 3, maxLength: 3 }),
  })
  .map(({ content, toolCalls, results }) => [
    { role: "assistant", content, tool_calls: toolCalls },
    ...toolCalls.map((call, index): ChatMessage => ({ role: "tool", tool_call_id: call.id, content: results[index]! })),
  ]);

/** A user message, then the assistant's answer: tool rounds, then (usually) plain text. */
const exchange: fc.Arbitrary<ChatMessage[]> = fc
  .tuple(userMessage, fc.array(toolRound, { maxLength: 2 }), fc.option(plainAssistantMessage, { nil: undefined }))
  .map(([user, rounds, answer]) => [user, ...rounds.flat(), ...(answer === undefined ? [] : [answer])]);

const conversation: fc.Arbitrary<ChatMessage[]> = fc
  .tuple(fc.option(fc.string(), { nil: undefined }), fc.array(exchange, { minLength: 1, maxLength: 3 }))
  .map(([system, exchanges]) => {
    // An exchange that ends on tool results must not be followed by a user message: the two would share a turn.
    const messages: ChatMessage[] = [];
    for (const messagesOfExchange of exchanges) {
      if (messages.at(-1)?.role === "tool") break;
      if (messages.at(-1)?.role === "user") break;
      messages.push(...messagesOfExchange);
    }
    return system === undefined ? messages : [{ role: "system", content: system }, ...messages];
  });

const request: fc.Arbitrary<ChatRequest> = fc.record(
  {
    messages: conversation,
    max_tokens: fc.integer({ min: 1, max: 1_000_000 }),
    temperature: unitInterval,
    top_p: unitInterval,
    stop: fc.array(fc.string(), { maxLength: 4 }),
    tools: fc.array(
      fc.record(
        { name: toolName, description: fc.string({ maxLength: 100 }), parameters: jsonObject },
        { requiredKeys: ["name", "parameters"] },
      ).map((declared) => ({ type: "function" as const, function: declared })),
      { minLength: 1, maxLength: 3 },
    ),
    tool_choice: fc.oneof(
      fc.constantFrom("auto" as const, "none" as const, "required" as const),
      toolName.map((name) => ({ type: "function" as const, function: { name } })),
    ),
    user: fc.string({ maxLength: 256 }),
  },
  { requiredKeys: ["messages", "max_tokens"] },
);

/** Tool-call arguments are compared as JSON values, not as text. */
function withParsedArguments(messages: ChatMessage[]): unknown[] {
  return messages.map((message) =>
    message.tool_calls === undefined
      ? message
      : { ...message, tool_calls: message.tool_calls.map((call) => ({ ...call, function: { ...call.function, arguments: JSON.parse(call.function.arguments) } })) },
  );
}

describe("canonical → Anthropic → canonical", () => {
  it("generates only valid canonical requests (the property below would be vacuous otherwise)", () => {
    fc.assert(fc.property(request, (generated) => chatRequestSchema.safeParse(generated).success));
  });

  it("keeps roles, system prompt, options, tools, tool calls and results, and images", () => {
    fc.assert(
      fc.property(request, (original) => {
        const body = convertToAnthropicRequest(original, deployment);
        // What reaches Anthropic, and what an Anthropic client sends, is JSON on the wire.
        const wire = JSON.parse(JSON.stringify(body)) as unknown;
        expect(anthropicRequestSchema.safeParse(wire).success).toBe(true);
        const back = convertFromAnthropicRequest(wire);
        if (!back.success) throw new Error(`${back.path}: ${back.message}`);
        const { messages, ...options } = back.request;
        const { messages: originalMessages, ...originalOptions } = original;
        expect(options).toEqual({ ...originalOptions, model: deployment.model });
        expect(withParsedArguments(messages)).toEqual(withParsedArguments(originalMessages));
      }),
      { numRuns: 300 },
    );
  });
});
