import { describe, expect, it } from "vitest";
import { ProviderError, type ChatStreamEvent } from "@switchyard/contracts";
import { StreamAssembler } from "./stream-assembler.js";

const context = { provider: "openai", deploymentId: "d", requestedModel: "requested" };

function assemble(events: ChatStreamEvent[]) {
  const assembler = new StreamAssembler();
  for (const event of events) assembler.push(event);
  return assembler.result(context);
}

describe("StreamAssembler", () => {
  it("adds text deltas up to the message, with the finish reason, usage and the provider's ids", () => {
    const result = assemble([
      { type: "start", model: "gpt-4.1-2025", providerResponseId: "chatcmpl-1" },
      { type: "text-delta", text: "Back " },
      { type: "text-delta", text: "off." },
      { type: "finish", finishReason: "stop", usage: { inputTokens: 9, outputTokens: 2, cachedInputTokens: 0 } },
    ]);
    expect(result).toEqual({
      model: "gpt-4.1-2025",
      message: { role: "assistant", content: "Back off." },
      finishReason: "stop",
      usage: { inputTokens: 9, outputTokens: 2, cachedInputTokens: 0 },
      providerResponseId: "chatcmpl-1",
    });
  });

  it("joins interleaved tool-call pieces by index, in index order, with null content", () => {
    const result = assemble([
      { type: "start", model: "m" },
      { type: "tool-call-delta", index: 1, id: "call_b", name: "second", argumentsDelta: "{" },
      { type: "tool-call-delta", index: 0, id: "call_a", name: "first", argumentsDelta: '{"x":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: "1}" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "}" },
      { type: "finish", finishReason: "tool_calls", usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 } },
    ]);
    expect(result.message).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_a", type: "function", function: { name: "first", arguments: '{"x":1}' } },
        { id: "call_b", type: "function", function: { name: "second", arguments: "{}" } },
      ],
    });
  });

  it("refuses a stream that ended without finish, as an invalid response the cascade may retry", () => {
    const error = (() => {
      try {
        assemble([{ type: "start", model: "m" }, { type: "text-delta", text: "cut" }]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ProviderError.is(error) && error.kind).toBe("invalid_response");
  });
});
