import { describe, expect, it } from "vitest";
import { mapOpenAiFinishReason } from "./map-openai-finish-reason.js";

describe("mapOpenAiFinishReason", () => {
  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["content_filter", "content_filter"],
    ["tool_calls", "tool_calls"],
    ["function_call", "tool_calls"],
    [null, "other"],
    [undefined, "other"],
    ["something_new", "other"],
  ] as const)("%s → %s", (finishReason, expected) => {
    expect(mapOpenAiFinishReason(finishReason)).toBe(expected);
  });
});
