import { describe, expect, it } from "vitest";
import { convertFromAnthropicRequest } from "./convert-from-anthropic-request.js";

const minimal = { model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "hi" }] };

function rejection(body: unknown): { message: string; path: string } {
  const result = convertFromAnthropicRequest(body);
  if (result.success) throw new Error(`expected a rejection, got ${JSON.stringify(result.request)}`);
  return result;
}

describe("convertFromAnthropicRequest", () => {
  it("converts a minimal request, keeping the model as a routing hint", () => {
    expect(convertFromAnthropicRequest(minimal)).toEqual({
      success: true,
      stream: false,
      request: { model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "hi" }] },
    });
  });

  it("restores the system prompt (string or text blocks) as one leading system message", () => {
    const result = convertFromAnthropicRequest({
      ...minimal,
      system: [
        { type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Answer in French." },
      ],
    });
    expect(result.success && result.request.messages).toEqual([
      { role: "system", content: "You are terse.\n\nAnswer in French." },
      { role: "user", content: "hi" },
    ]);
  });

  it("converts options, tools, tool calls, tool results and images", () => {
    const result = convertFromAnthropicRequest({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      temperature: 0.2,
      top_p: 0.95,
      stop_sequences: ["END"],
      metadata: { user_id: "user-123" },
      stream: true,
      tools: [{ name: "get_weather", description: "Current weather", input_schema: { type: "object", properties: {} } }],
      tool_choice: { type: "any", disable_parallel_tool_use: false },
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather where this photo was taken?" },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Looks like Paris." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { location: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "18°C" }], is_error: false },
            { type: "text", text: "Thanks!" },
          ],
        },
      ],
    });
    expect(result).toEqual({
      success: true,
      stream: true,
      request: {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        temperature: 0.2,
        top_p: 0.95,
        stop: ["END"],
        user: "user-123",
        tools: [{ type: "function", function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: {} } } }],
        tool_choice: "required",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Weather where this photo was taken?" },
              { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
            ],
          },
          {
            role: "assistant",
            content: "Looks like Paris.",
            tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }],
          },
          { role: "tool", tool_call_id: "toolu_1", content: [{ type: "text", text: "18°C" }] },
          { role: "user", content: [{ type: "text", text: "Thanks!" }] },
        ],
      },
    });
  });

  it("keeps a tool_use without text as content null, and an empty tool_result as empty text", () => {
    const result = convertFromAnthropicRequest({
      ...minimal,
      messages: [
        { role: "user", content: "time?" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_2", name: "now", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_2" }] },
      ],
    });
    expect(result.success && result.request.messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "toolu_2", type: "function", function: { name: "now", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "toolu_2", content: "" },
    ]);
  });

  it.each([
    ["tool_choice auto", { type: "auto" }, "auto"],
    ["tool_choice none", { type: "none" }, "none"],
    ["tool_choice tool", { type: "tool", name: "f" }, { type: "function", function: { name: "f" } }],
  ])("maps %s", (_name, toolChoice, expected) => {
    const result = convertFromAnthropicRequest({ ...minimal, tool_choice: toolChoice });
    expect(result.success && result.request.tool_choice).toEqual(expected);
  });

  it.each([
    ["top_k", { ...minimal, top_k: 40 }, "top_k", /top_k has no equivalent/],
    ["extended thinking", { ...minimal, thinking: { type: "enabled", budget_tokens: 2048 } }, "thinking", /extended thinking/],
    [
      "a server tool",
      { ...minimal, tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }] },
      "tools.0.type",
      /only client tools/,
    ],
    [
      "disable_parallel_tool_use: true",
      { ...minimal, tool_choice: { type: "auto", disable_parallel_tool_use: true } },
      "tool_choice.disable_parallel_tool_use",
      /cannot be expressed/,
    ],
    [
      "a document block",
      { ...minimal, messages: [{ role: "user", content: [{ type: "document", source: { type: "text", media_type: "text/plain", data: "x" } }] }] },
      "messages.0.content.0.type",
      /other block types/,
    ],
    [
      "a thinking block",
      { ...minimal, messages: [{ role: "user", content: "x" }, { role: "assistant", content: [{ type: "thinking", thinking: "...", signature: "s" }] }] },
      "messages.1.content.0.type",
      /thinking/,
    ],
    ["a temperature above 1", { ...minimal, temperature: 1.5 }, "temperature", /1/],
    ["an unknown field", { ...minimal, service_tier: "auto" }, "", /service_tier/],
    ["a missing max_tokens", { model: "m", messages: minimal.messages }, "max_tokens", /./],
    [
      "more stop sequences than Switchyard takes",
      { ...minimal, stop_sequences: ["a", "b", "c", "d", "e"] },
      "stop",
      /^not expressible in Switchyard's request: stop: /,
    ],
    ["a tool name Switchyard does not accept", { ...minimal, tools: [{ name: "bad name", input_schema: {} }] }, "tools.0.function.name", /tool names/],
  ])("rejects %s", (_name, body, path, message) => {
    const result = rejection(body);
    expect(result.path).toBe(path);
    expect(result.message).toMatch(message);
  });
});
