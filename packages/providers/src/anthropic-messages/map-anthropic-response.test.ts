import { describe, expect, it } from "vitest";
import { ProviderError } from "@switchyard/contracts";
import { mapAnthropicResponse } from "./map-anthropic-response.js";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";
import { loadFixture } from "../conformance/fixture-server.js";

const fixture = (name: string) => loadFixture(new URL(`./__fixtures__/${name}.json`, import.meta.url));
const context = { provider: "anthropic", deploymentId: "claude", status: 200, requestedModel: "claude-sonnet-4-5" };

function mapBody(body: unknown) {
  return mapAnthropicResponse(JSON.stringify(body), context);
}

describe("mapAnthropicResponse", () => {
  it("maps a recorded tool_use answer: text, then tool calls with their input as JSON", () => {
    expect(mapBody(fixture("message-tool-use-200").body)).toEqual({
      model: "claude-sonnet-4-5-20250929",
      message: {
        role: "assistant",
        content: "I'll check the current weather in San Francisco for you.",
        tool_calls: [
          {
            id: "toolu_01A09q90qw90lq917835lq9",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
          },
        ],
      },
      finishReason: "tool_calls",
      usage: { inputTokens: 384, outputTokens: 87, cachedInputTokens: 0 },
      providerResponseId: "msg_01Aq9w938a90dw8q",
    });
  });

  it("counts cache reads and writes as input, as OpenAI's prompt_tokens does, and reports reads as cached", () => {
    const result = mapBody({
      id: "msg_1",
      type: "message",
      model: "claude-haiku-4-5",
      content: [{ type: "text", text: "ok" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 50, cache_creation_input_tokens: 2000, cache_read_input_tokens: 8000, output_tokens: 5 },
    });
    expect(result.usage).toEqual({ inputTokens: 10_050, outputTokens: 5, cachedInputTokens: 8000 });
  });

  it("joins text blocks, skips blocks it did not ask for, and reports no text as null content", () => {
    const joined = mapBody({
      type: "message",
      content: [
        { type: "thinking", thinking: "hmm", signature: "sig" },
        { type: "text", text: "Hello" },
        { type: "text", text: " world" },
      ],
      stop_reason: "max_tokens",
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(joined).toMatchObject({ model: "claude-sonnet-4-5", message: { content: "Hello world" }, finishReason: "length" });
    expect(joined.providerResponseId).toBeUndefined();

    const empty = mapBody({ type: "message", content: [], stop_reason: "refusal", usage: { input_tokens: 1, output_tokens: 0 } });
    expect(empty).toMatchObject({ message: { role: "assistant", content: null }, finishReason: "content_filter" });
  });

  it("attaches the rate-limit budget of the answer's headers", () => {
    const recorded = fixture("message-text-200");
    const nowMs = Date.parse("2026-11-25T12:00:00Z");
    const result = mapAnthropicResponse(JSON.stringify(recorded.body), { ...context, headers: recorded.headers ?? {}, nowMs });
    expect(result.rateLimit).toEqual({
      observedAtMs: nowMs,
      requests: { limit: 4000, remaining: 3999, resetAtMs: nowMs + 1000 },
      tokens: { limit: 2_400_000, remaining: 2_397_000, resetAtMs: nowMs + 1000 },
      inputTokens: { limit: 2_000_000, remaining: 1_998_000, resetAtMs: nowMs + 1000 },
      outputTokens: { limit: 400_000, remaining: 399_000, resetAtMs: nowMs + 1000 },
    });
  });

  it.each([
    ["not JSON", "<html>502</html>", /not JSON/],
    ["an error object with status 200", JSON.stringify({ type: "error", error: { type: "api_error", message: "x" } }), /not an Anthropic message/],
    ["a tool_use block without an id", JSON.stringify({ type: "message", content: [{ type: "tool_use", name: "f", input: {} }] }), /content/],
    ["a text block without text", JSON.stringify({ type: "message", content: [{ type: "text" }] }), /content/],
  ])("reports %s as invalid_response", (_name, bodyText, message) => {
    let caught: unknown;
    try {
      mapAnthropicResponse(bodyText, context);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProviderError);
    expect((caught as ProviderError).data).toMatchObject({ kind: "invalid_response", httpStatus: 200, bodyExcerpt: bodyText.slice(0, 500) });
    expect((caught as ProviderError).message).toMatch(message);
  });
});

describe("mapAnthropicStopReason", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["pause_turn", "other"],
    ["something_new", "other"],
    [null, "other"],
    [undefined, "other"],
  ] as const)("maps %s to %s", (stopReason, expected) => {
    expect(mapAnthropicStopReason(stopReason)).toBe(expected);
  });
});
