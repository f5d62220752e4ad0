import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FINISH_REASONS, type ChatResult } from "@switchyard/contracts";
import { convertToOpenAiResponse } from "./convert-to-openai-response.js";
import { mapOpenAiResponse } from "./map-openai-response.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const context = { provider: "openai", deploymentId: "openai-gpt-4-1", status: 200, requestedModel: "gpt-4.1" };
const readBack = (result: ChatResult) => mapOpenAiResponse(JSON.stringify(convertToOpenAiResponse(result)), context);

const toolCallResult: ChatResult = {
  model: "gpt-4.1-2025-04-14",
  message: {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
    ],
  },
  finishReason: "tool_calls",
  usage: { inputTokens: 142, outputTokens: 48, cachedInputTokens: 0 },
  providerResponseId: "chatcmpl-tools",
};

describe("convertToOpenAiResponse", () => {
  it("writes OpenAI's chat.completion body", () => {
    const body = convertToOpenAiResponse(
      {
        model: "gpt-4.1-2025-04-14",
        message: { role: "assistant", content: "Hello." },
        finishReason: "stop",
        usage: { inputTokens: 1117, outputTokens: 46, cachedInputTokens: 1024 },
        providerResponseId: "chatcmpl-abc",
        rateLimit: { observedAtMs: NOW, requests: { remaining: 3 } },
      },
      { nowMs: NOW + 999 },
    );
    expect(body).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion",
      created: NOW / 1000,
      model: "gpt-4.1-2025-04-14",
      choices: [
        { index: 0, message: { role: "assistant", content: "Hello.", refusal: null }, logprobs: null, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 1117, completion_tokens: 46, total_tokens: 1163, prompt_tokens_details: { cached_tokens: 1024 } },
    });
  });

  it("writes tool calls, and reads back to the same result", () => {
    expect(convertToOpenAiResponse(toolCallResult).choices[0].message.tool_calls).toEqual(toolCallResult.message.tool_calls);
    expect(readBack(toolCallResult)).toEqual(toolCallResult);
  });

  it("generates a chatcmpl- id when the provider gave none, and lets the caller choose one", () => {
    const { providerResponseId: _dropped, ...withoutId } = toolCallResult;
    expect(convertToOpenAiResponse(withoutId).id).toMatch(/^chatcmpl-[A-Za-z0-9_-]{20}$/);
    expect(convertToOpenAiResponse(withoutId).id).not.toBe(convertToOpenAiResponse(withoutId).id);
    expect(convertToOpenAiResponse(toolCallResult, { id: "req_123" }).id).toBe("req_123");
  });

  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool_calls"],
    ["content_filter", "content_filter"],
    ["error", "stop"],
    ["other", "stop"],
  ] as const)("finish reason %s → %s", (finishReason, expected) => {
    expect(convertToOpenAiResponse({ ...toolCallResult, finishReason }).choices[0].finish_reason).toBe(expected);
  });

  it("round-trips every result through mapOpenAiResponse, except error/other finish reasons and rateLimit", () => {
    const toolCall = fc.record({
      id: fc.string({ minLength: 1 }),
      type: fc.constant("function" as const),
      function: fc.record({ name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), arguments: fc.json() }),
    });
    const result: fc.Arbitrary<ChatResult> = fc.record(
      {
        model: fc.string(),
        message: fc.record(
          {
            role: fc.constant("assistant" as const),
            content: fc.option(fc.string(), { nil: null }),
            tool_calls: fc.array(toolCall, { minLength: 1, maxLength: 3 }),
          },
          { requiredKeys: ["role", "content"] },
        ),
        finishReason: fc.constantFrom(...FINISH_REASONS),
        usage: fc.record({ inputTokens: fc.nat(), outputTokens: fc.nat(), cachedInputTokens: fc.nat() }),
        providerResponseId: fc.string(),
        rateLimit: fc.constant({ observedAtMs: NOW, retryAfterMs: 1000 }),
      },
      { requiredKeys: ["model", "message", "finishReason", "usage", "providerResponseId"] },
    );
    fc.assert(
      fc.property(result, (original) => {
        const { rateLimit: _notInTheBody, ...expected } = original;
        if (expected.finishReason === "error" || expected.finishReason === "other") expected.finishReason = "stop";
        expect(readBack(original)).toEqual(expected);
      }),
    );
  });
});
