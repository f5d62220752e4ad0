import { describe, expect, it } from "vitest";
import { convertToOpenAiRequest } from "./convert-to-openai-request.js";
import { testDeployment } from "../conformance/test-deployment.js";

const deployment = testDeployment({ baseUrl: "http://127.0.0.1:1/v1", model: "gpt-4.1", defaultMaxOutputTokens: 1024 });

describe("convertToOpenAiRequest", () => {
  it("uses the deployment's model and default max tokens, and drops Switchyard's own fields", () => {
    const body = convertToOpenAiRequest(
      {
        model: "premium",
        messages: [{ role: "user", content: "hi" }],
        tenant: "acme",
        metadata: { urgency: "realtime", team: "search" },
        constraints: { maxLatencyMs: 2_000 },
      },
      deployment,
    );
    expect(body).toEqual({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }], max_tokens: 1024 });
  });

  it("passes sampling options and message fields through", () => {
    const body = convertToOpenAiRequest(
      {
        messages: [
          { role: "developer", content: "be brief", name: "ops" },
          { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] },
          { role: "assistant", content: null },
          { role: "tool", content: "42", tool_call_id: "call_1" },
        ],
        max_tokens: 50,
        temperature: 0,
        top_p: 0.9,
        stop: ["\n\n"],
        seed: 7,
        user: "user-123",
      },
      deployment,
    );
    expect(body).toEqual({
      model: "gpt-4.1",
      messages: [
        { role: "developer", content: "be brief", name: "ops" },
        { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] },
        { role: "assistant", content: null },
        { role: "tool", content: "42", tool_call_id: "call_1" },
      ],
      max_tokens: 50,
      temperature: 0,
      top_p: 0.9,
      stop: ["\n\n"],
      seed: 7,
      user: "user-123",
    });
  });

  it("passes tools, tool choice and a JSON schema response format through untouched", () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
          strict: true,
        },
      },
    ];
    const responseFormat = {
      type: "json_schema" as const,
      json_schema: { name: "weather", schema: { type: "object", properties: { celsius: { type: "number" } } }, strict: true },
    };
    const body = convertToOpenAiRequest(
      {
        messages: [{ role: "user", content: "weather in Paris?" }],
        tools,
        tool_choice: { type: "function", function: { name: "get_weather" } },
        response_format: responseFormat,
      },
      deployment,
    );
    expect(body).toMatchObject({
      tools,
      tool_choice: { type: "function", function: { name: "get_weather" } },
      response_format: responseFormat,
    });
    const jsonMode = convertToOpenAiRequest(
      { messages: [{ role: "user", content: "x" }], tool_choice: "required", response_format: { type: "json_object" } },
      deployment,
    );
    expect(jsonMode).toMatchObject({ tool_choice: "required", response_format: { type: "json_object" } });
  });

  it("passes a tool-calling conversation through: assistant tool_calls, tool results, image parts with detail", () => {
    const messages = [
      {
        role: "user" as const,
        content: [
          { type: "text" as const, text: "where is this?" },
          { type: "image_url" as const, image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" as const } },
        ],
      },
      {
        role: "assistant" as const,
        content: null,
        tool_calls: [{ id: "call_1", type: "function" as const, function: { name: "lookup_place", arguments: '{"hint":"tower"}' } }],
      },
      { role: "tool" as const, content: '{"place":"Paris"}', tool_call_id: "call_1" },
    ];
    expect(convertToOpenAiRequest({ messages }, deployment).messages).toEqual(messages);
  });

  it("asks for a stream with usage in its last chunk only when streaming", () => {
    const request = { messages: [{ role: "user" as const, content: "hi" }] };
    expect(convertToOpenAiRequest(request, deployment, { stream: true })).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(convertToOpenAiRequest(request, deployment)).not.toHaveProperty("stream");
    expect(convertToOpenAiRequest(request, deployment)).not.toHaveProperty("stream_options");
  });
});
