import { describe, expect, it } from "vitest";
import { chooseTool } from "./choose-tool.js";
import type { SimTurn, ToolChoice } from "./sim-turn.js";

const tools = [
  { name: "get_weather", inputSchema: {} },
  { name: "search_docs", inputSchema: {} },
];

function turn(lastUserText: string, toolChoice: ToolChoice = { mode: "auto" }, endsWithUserText = true): SimTurn {
  return {
    model: "m",
    lastUserText,
    endsWithUserText,
    promptTokens: 10,
    maxOutputTokens: undefined,
    stop: undefined,
    choiceCount: 1,
    tools,
    toolChoice,
    stream: false,
  };
}

describe("chooseTool", () => {
  it("calls the first declared tool whose name the last user message mentions, case-insensitively", () => {
    expect(chooseTool(turn("Please SEARCH_DOCS, then get_weather"))?.name).toBe("get_weather");
    expect(chooseTool(turn("please search_docs for retries"))?.name).toBe("search_docs");
  });

  it("answers in text when no tool is mentioned, after a tool result, or with tool choice none", () => {
    expect(chooseTool(turn("what is the weather like?"))).toBeUndefined();
    expect(chooseTool(turn("get_weather in Paris", { mode: "auto" }, false))).toBeUndefined();
    expect(chooseTool(turn("get_weather in Paris", { mode: "none" }))).toBeUndefined();
  });

  it("always calls a tool when one is forced", () => {
    expect(chooseTool(turn("hello", { mode: "any" }))?.name).toBe("get_weather");
    expect(chooseTool(turn("hello", { mode: "tool", name: "search_docs" }))?.name).toBe("search_docs");
  });
});
