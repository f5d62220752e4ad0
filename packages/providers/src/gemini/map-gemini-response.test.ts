import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ProviderError, type ChatResult } from "@switchyard/contracts";
import { mapGeminiResponse, type GeminiResponseContext } from "./map-gemini-response.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";
import { convertToGeminiResponse } from "./convert-to-gemini-response.js";
import { loadFixture } from "../conformance/fixture-server.js";

const context: GeminiResponseContext = { provider: "gemini", deploymentId: "gemini-2-5-flash", status: 200, requestedModel: "gemini-2.5-flash" };
const fixtureBody = (name: string) => JSON.stringify(loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url)).body);

function mappingError(bodyText: string): ProviderError {
  try {
    mapGeminiResponse(bodyText, context);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected the body to be refused");
}

describe("mapGeminiResponse", () => {
  it("maps a text answer, counting thinking tokens as output", () => {
    expect(mapGeminiResponse(fixtureBody("generate-content-200"), context)).toEqual({
      model: "gemini-2.5-flash",
      message: {
        role: "assistant",
        content: "Exponential backoff waits longer after each failed attempt, so a struggling service gets room to recover.",
      },
      finishReason: "stop",
      usage: { inputTokens: 2071, outputTokens: 21 + 435, cachedInputTokens: 2048 },
      providerResponseId: "k4k0aOm7G8KUxN8P6NCjmAs",
    });
  });

  it("maps function calls to tool calls with ids derived from the response id", () => {
    expect(mapGeminiResponse(fixtureBody("function-call-200"), context)).toEqual({
      model: "gemini-2.5-flash",
      message: {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_Fp0jaLTyBfz8nsEPq6rCmAo_0",
            type: "function",
            function: { name: "get_current_weather", arguments: '{"location":"Boston, MA","unit":"celsius"}' },
          },
          { id: "call_Fp0jaLTyBfz8nsEPq6rCmAo_1", type: "function", function: { name: "get_current_time", arguments: '{"timezone":"America/New_York"}' } },
        ],
      },
      finishReason: "tool_calls",
      usage: { inputTokens: 98, outputTokens: 31 + 58, cachedInputTokens: 0 },
      providerResponseId: "Fp0jaLTyBfz8nsEPq6rCmAo",
    });
  });

  it("maps MAX_TOKENS to length", () => {
    expect(mapGeminiResponse(fixtureBody("max-tokens-200"), context)).toMatchObject({
      model: "gemini-2.0-flash",
      message: { content: "Exponential backoff is a retry strategy in which the delay between attempts grows" },
      finishReason: "length",
      usage: { inputTokens: 12, outputTokens: 16, cachedInputTokens: 0 },
    });
  });

  it("reports a prompt blocked by safety as content_filtered", () => {
    const error = mappingError(fixtureBody("prompt-blocked-200"));
    expect(error.data).toMatchObject({
      kind: "content_filtered",
      retryable: false,
      httpStatus: 200,
      provider: "gemini",
      deploymentId: "gemini-2-5-flash",
      message: "gemini blocked the prompt (SAFETY)",
    });
    expect(error.data.bodyExcerpt).toContain("blockReason");
  });

  it("keeps a candidate stopped by a filter as an answer, and leaves thought summaries out", () => {
    const result = mapGeminiResponse(
      JSON.stringify({
        candidates: [
          {
            content: { role: "model", parts: [{ text: "Let me think about what is asked.", thought: true }, { text: "Here is" }] },
            finishReason: "RECITATION",
          },
        ],
        usageMetadata: { promptTokenCount: 5 },
      }),
      context,
    );
    expect(result).toEqual({
      model: "gemini-2.5-flash",
      message: { role: "assistant", content: "Here is" },
      finishReason: "content_filter",
      usage: { inputTokens: 5, outputTokens: 0, cachedInputTokens: 0 },
    });
    // Thinking spent the whole budget: a candidate with no parts at all.
    expect(mapGeminiResponse(JSON.stringify({ candidates: [{ content: { role: "model" }, finishReason: "MAX_TOKENS" }] }), context)).toMatchObject({
      message: { content: null },
      finishReason: "length",
    });
  });

  it.each([
    ["not JSON", "<html>502</html>", "not JSON"],
    ["no candidates and no block reason", JSON.stringify({ usageMetadata: { promptTokenCount: 1 } }), "without candidates"],
    ["a call without a name", JSON.stringify({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] }), "not a GenerateContentResponse"],
  ])("reports %s as invalid_response", (_, bodyText, mentioned) => {
    const error = mappingError(bodyText);
    expect(error.data).toMatchObject({ kind: "invalid_response", retryable: true, httpStatus: 200 });
    expect(error.message).toContain(mentioned);
  });
});

describe("mapGeminiFinishReason", () => {
  it.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool_calls"],
    ["MAX_TOKENS", true, "length"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["SPII", false, "content_filter"],
    ["IMAGE_SAFETY", false, "content_filter"],
    ["MALFORMED_FUNCTION_CALL", false, "other"],
    ["LANGUAGE", false, "other"],
    ["OTHER", false, "other"],
    ["FINISH_REASON_UNSPECIFIED", false, "other"],
    [null, false, "other"],
  ] as const)("%s (calls: %s) → %s", (finishReason, hasFunctionCalls, expected) => {
    expect(mapGeminiFinishReason(finishReason, hasFunctionCalls)).toBe(expected);
  });
});

describe("ChatResult → Gemini → ChatResult", () => {
  const toolCall = fc.record({
    id: fc.constant("replaced"),
    type: fc.constant("function" as const),
    function: fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/),
      arguments: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))).map((args) => JSON.stringify(args)),
    }),
  });
  const result: fc.Arbitrary<ChatResult> = fc
    .record({
      model: fc.stringMatching(/^gemini-[a-z0-9.-]{1,12}$/),
      content: fc.option(fc.string(), { nil: null }),
      toolCalls: fc.array(toolCall, { maxLength: 3 }),
      finishReason: fc.constantFrom("stop", "length", "content_filter", "other"),
      usage: fc.record({ inputTokens: fc.nat(1_000_000), outputTokens: fc.nat(100_000), cachedInputTokens: fc.nat(1_000_000) }),
      providerResponseId: fc.stringMatching(/^[A-Za-z0-9]{8,24}$/),
    })
    .map(({ model, content, toolCalls, finishReason, usage, providerResponseId }) => ({
      model,
      message: {
        role: "assistant" as const,
        content,
        ...(toolCalls.length > 0
          ? { tool_calls: toolCalls.map((call, index) => ({ ...call, id: `call_${providerResponseId}_${index}` })) }
          : {}),
      },
      // A turn that calls functions and stops is a tool_calls turn; Gemini tells one by its parts.
      finishReason: toolCalls.length > 0 && finishReason === "stop" ? ("tool_calls" as const) : finishReason,
      usage,
      providerResponseId,
    }));

  it("reads back what it wrote (ids derived from the response id)", () => {
    fc.assert(
      fc.property(result, (original) => {
        const wire = JSON.stringify(convertToGeminiResponse(original));
        expect(mapGeminiResponse(wire, context)).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it("writes error as OTHER, which reads back as other, and leaves rateLimit out", () => {
    const body = convertToGeminiResponse({
      model: "gemini-2.5-flash",
      message: { role: "assistant", content: "partial" },
      finishReason: "error",
      usage: { inputTokens: 3, outputTokens: 1, cachedInputTokens: 0 },
      rateLimit: { observedAtMs: 1, retryAfterMs: 5 },
    });
    expect(body).toEqual({
      candidates: [{ content: { role: "model", parts: [{ text: "partial" }] }, finishReason: "OTHER", index: 0 }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
      modelVersion: "gemini-2.5-flash",
    });
  });
});
