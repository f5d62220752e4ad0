import { describe, expect, it } from "vitest";
import { ProviderError, type ChatRequest } from "@switchyard/contracts";
import { convertToAnthropicRequest } from "./convert-to-anthropic-request.js";
import { testDeployment } from "../conformance/test-deployment.js";

const deployment = testDeployment({
  baseUrl: "http://127.0.0.1:1/v1",
  provider: "anthropic",
  format: "anthropic-messages",
  model: "claude-sonnet-4-5",
  defaultMaxOutputTokens: 1024,
});

function conversionError(request: ChatRequest): ProviderError {
  try {
    convertToAnthropicRequest(request, deployment);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error("expected the conversion to fail");
}

describe("convertToAnthropicRequest", () => {
  it("uses the deployment's model and default max tokens, and drops Switchyard's own fields", () => {
    const body = convertToAnthropicRequest(
      {
        model: "premium",
        messages: [{ role: "user", content: "hi" }],
        tenant: "acme",
        metadata: { urgency: "realtime", team: "search" },
        constraints: { maxLatencyMs: 2_000 },
      },
      deployment,
    );
    expect(body).toEqual({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "hi" }] });
  });

  it("lifts system and developer messages, wherever they are, into one system string", () => {
    const body = convertToAnthropicRequest(
      {
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "hi" },
          { role: "developer", content: [{ type: "text", text: "Answer in French." }, { type: "text", text: "No emoji." }] },
          { role: "assistant", content: "Salut." },
        ],
      },
      deployment,
    );
    expect(body.system).toBe("You are terse.\n\nAnswer in French.\n\nNo emoji.");
    expect(body.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Salut." },
    ]);
  });

  it("maps sampling options, stop, user, tools and tool choice", () => {
    const body = convertToAnthropicRequest(
      {
        messages: [{ role: "user", content: "weather?" }],
        max_tokens: 50,
        temperature: 0.7,
        top_p: 0.9,
        stop: "\n\nHuman:",
        seed: 42,
        user: "user-123",
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Current weather",
              parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
              strict: true,
            },
          },
          { type: "function", function: { name: "now" } },
        ],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      },
      deployment,
      { stream: true },
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "weather?" }],
      temperature: 0.7,
      top_p: 0.9,
      stop_sequences: ["\n\nHuman:"],
      metadata: { user_id: "user-123" },
      tools: [
        {
          name: "get_weather",
          description: "Current weather",
          input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
        },
        { name: "now", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "tool", name: "get_weather" },
      stream: true,
    });
  });

  it.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    ["required", { type: "any" }],
  ] as const)("maps tool_choice %s", (toolChoice, expected) => {
    const body = convertToAnthropicRequest({ messages: [{ role: "user", content: "x" }], tool_choice: toolChoice }, deployment);
    expect(body.tool_choice).toEqual(expected);
  });

  it("turns tool calls into tool_use blocks and merges consecutive tool results into one user turn", () => {
    const body = convertToAnthropicRequest(
      {
        messages: [
          { role: "user", content: "Weather in Paris and Oslo?" },
          {
            role: "assistant",
            content: "Checking both.",
            tool_calls: [
              { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
              { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: '{"location":"Oslo"}' } },
            ],
          },
          { role: "tool", tool_call_id: "toolu_1", content: "18°C" },
          { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "4°C" }] },
          { role: "user", content: "And tomorrow?" },
        ],
      },
      deployment,
    );
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris and Oslo?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking both." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { location: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: { location: "Oslo" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
          { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "4°C" }] },
          { type: "text", text: "And tomorrow?" },
        ],
      },
    ]);
  });

  it("sends no text block beside tool calls when the assistant said nothing, and {} for empty arguments", () => {
    const body = convertToAnthropicRequest(
      {
        messages: [
          { role: "user", content: "time?" },
          { role: "assistant", content: "", tool_calls: [{ id: "toolu_9", type: "function", function: { name: "now", arguments: "" } }] },
        ],
      },
      deployment,
    );
    expect(body.messages[1]).toEqual({ role: "assistant", content: [{ type: "tool_use", id: "toolu_9", name: "now", input: {} }] });
  });

  it("merges consecutive messages of one role, as Anthropic requires alternation", () => {
    const body = convertToAnthropicRequest(
      {
        messages: [
          { role: "user", content: "one" },
          { role: "user", content: [{ type: "text", text: "two" }] },
          { role: "assistant", content: "three" },
          { role: "assistant", content: "four" },
        ],
      },
      deployment,
    );
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "one" }, { type: "text", text: "two" }] },
      { role: "assistant", content: [{ type: "text", text: "three" }, { type: "text", text: "four" }] },
    ]);
  });

  it("converts data URLs to base64 image sources and http(s) URLs to url sources, dropping detail", () => {
    const body = convertToAnthropicRequest(
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare these." },
              { type: "image_url", image_url: { url: "data:image/PNG;base64,iVBORw0KGgo=", detail: "high" } },
              { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            ],
          },
        ],
      },
      deployment,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: "text", text: "Compare these." },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("asks for JSON in the system prompt for response_format, with the schema for json_schema", () => {
    const jsonObject = convertToAnthropicRequest(
      { messages: [{ role: "system", content: "Be precise." }, { role: "user", content: "x" }], response_format: { type: "json_object" } },
      deployment,
    );
    expect(jsonObject.system).toMatch(/^Be precise\.\n\nRespond with a single valid JSON object\./);

    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const jsonSchema = convertToAnthropicRequest(
      {
        messages: [{ role: "user", content: "x" }],
        response_format: { type: "json_schema", json_schema: { name: "answer", description: "The answer", schema, strict: true } },
      },
      deployment,
    );
    expect(jsonSchema.system).toContain('conforms to the JSON Schema named "answer"');
    expect(jsonSchema.system).toContain("What the schema describes: The answer");
    expect(jsonSchema.system).toContain(JSON.stringify(schema));

    const text = convertToAnthropicRequest({ messages: [{ role: "user", content: "x" }], response_format: { type: "text" } }, deployment);
    expect(text.system).toBeUndefined();
  });

  it("rejects a temperature above 1 instead of clamping it", () => {
    const error = conversionError({ messages: [{ role: "user", content: "x" }], temperature: 1.5 });
    expect(error.data).toMatchObject({ kind: "bad_request", retryable: false, provider: "anthropic", deploymentId: "test-deployment" });
    expect(error.message).toContain("cannot express temperature 1.5 for Anthropic (0..1)");
    expect(error.data.httpStatus).toBeUndefined();
    expect(convertToAnthropicRequest({ messages: [{ role: "user", content: "x" }], temperature: 1 }, deployment).temperature).toBe(1);
  });

  it.each<[string, ChatRequest, RegExp]>([
    [
      "tool arguments that are not JSON",
      {
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{oops" } }] },
        ],
      },
      /messages\[1\]: the arguments of tool call c1 \(f\) are not valid JSON/,
    ],
    [
      "tool arguments that are not an object",
      {
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "[1]" } }] },
        ],
      },
      /not a JSON object/,
    ],
    ["a tool message without tool_call_id", { messages: [{ role: "tool", content: "42" }] }, /needs the tool_call_id/],
    [
      "an image in the system prompt",
      { messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }, { role: "user", content: "x" }] },
      /system prompt is text only/,
    ],
    [
      "an image URL Anthropic cannot read",
      { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] },
      /http\(s\) or a base64 data URL/,
    ],
    ["only a system prompt", { messages: [{ role: "system", content: "x" }] }, /at least one user or assistant message/],
  ])("rejects %s as bad_request", (_name, request, message) => {
    const error = conversionError(request);
    expect(error.kind).toBe("bad_request");
    expect(error.message).toMatch(message);
  });
});
