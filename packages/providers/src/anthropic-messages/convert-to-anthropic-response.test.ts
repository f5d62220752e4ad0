import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ChatResult, FinishReason } from "@switchyard/contracts";
import { convertToAnthropicResponse } from "./convert-to-anthropic-response.js";
import { mapAnthropicResponse } from "./map-anthropic-response.js";

const context = { provider: "anthropic", status: 200, requestedModel: "unused" };

const toolCall = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 24 }),
    name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    input: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  })
  .map(({ id, name, input }) => ({ id, type: "function" as const, function: { name, arguments: JSON.stringify(input) } }));

/** Results in the form a round trip keeps: finish reasons Anthropic can name, and a provider response id. */
const result: fc.Arbitrary<ChatResult> = fc
  .record({
    model: fc.string({ minLength: 1 }),
    content: fc.option(fc.string(), { nil: null }),
    toolCalls: fc.array(toolCall, { maxLength: 3 }),
    finishReason: fc.constantFrom<FinishReason>("stop", "length", "tool_calls", "content_filter"),
    cachedInputTokens: fc.nat({ max: 100_000 }),
    uncachedInputTokens: fc.nat({ max: 100_000 }),
    outputTokens: fc.nat({ max: 100_000 }),
    providerResponseId: fc.string({ minLength: 1 }),
  })
  .map((generated) => ({
    model: generated.model,
    message: {
      role: "assistant",
      content: generated.content,
      ...(generated.toolCalls.length > 0 ? { tool_calls: generated.toolCalls } : {}),
    },
    finishReason: generated.finishReason,
    usage: {
      inputTokens: generated.uncachedInputTokens + generated.cachedInputTokens,
      outputTokens: generated.outputTokens,
      cachedInputTokens: generated.cachedInputTokens,
    },
    providerResponseId: generated.providerResponseId,
  }));

describe("convertToAnthropicResponse", () => {
  it("writes Anthropic's message body", () => {
    const body = convertToAnthropicResponse({
      model: "gpt-4.1",
      message: {
        role: "assistant",
        content: "Checking.",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Oslo"}' } }],
      },
      finishReason: "tool_calls",
      usage: { inputTokens: 1200, outputTokens: 30, cachedInputTokens: 1000 },
      providerResponseId: "chatcmpl-123",
      rateLimit: { observedAtMs: 1, requests: { remaining: 1 } },
    });
    expect(body).toEqual({
      id: "chatcmpl-123",
      type: "message",
      role: "assistant",
      model: "gpt-4.1",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { location: "Oslo" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 200, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 1000 },
    });
  });

  it("generates a msg_ id when the provider gave none, and maps error/other to end_turn", () => {
    const base: ChatResult = {
      model: "m",
      message: { role: "assistant", content: "x" },
      finishReason: "other",
      usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
    };
    expect(convertToAnthropicResponse(base)).toMatchObject({ id: expect.stringMatching(/^msg_[A-Za-z0-9_-]{24}$/), stop_reason: "end_turn" });
    expect(convertToAnthropicResponse({ ...base, finishReason: "error" }, { id: "msg_fixed" })).toMatchObject({ id: "msg_fixed", stop_reason: "end_turn" });
  });

  it("refuses tool-call arguments that are not a JSON object rather than invent an input", () => {
    const base: ChatResult = {
      model: "m",
      message: { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"cut' } }] },
      finishReason: "length",
      usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
    };
    expect(() => convertToAnthropicResponse(base)).toThrow(/tool call c1 \(f\) has arguments that are not a JSON object/);
    const empty = { ...base, message: { ...base.message, tool_calls: [{ id: "c1", type: "function" as const, function: { name: "f", arguments: "" } }] } };
    expect(convertToAnthropicResponse(empty).content).toEqual([{ type: "tool_use", id: "c1", name: "f", input: {} }]);
  });

  it("is read back by mapAnthropicResponse to the same result", () => {
    fc.assert(
      fc.property(result, (original) => {
        const bodyText = JSON.stringify(convertToAnthropicResponse(original));
        const back = mapAnthropicResponse(bodyText, context);
        const normalize = (chatResult: ChatResult) => ({
          ...chatResult,
          message: {
            ...chatResult.message,
            tool_calls: chatResult.message.tool_calls?.map((call) => ({ ...call, function: { ...call.function, arguments: JSON.parse(call.function.arguments) } })),
          },
        });
        expect(normalize(back)).toEqual(normalize(original));
      }),
      { numRuns: 300 },
    );
  });
});
