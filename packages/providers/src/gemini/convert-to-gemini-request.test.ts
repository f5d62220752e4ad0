import { describe, expect, it } from "vitest";
import { ProviderError, type ChatRequest } from "@switchyard/contracts";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { geminiGenerateContentRequestSchema } from "./gemini-request-schema.js";
import { SKIP_THOUGHT_SIGNATURE } from "./gemini-thought-signature.js";
import { testDeployment } from "../conformance/test-deployment.js";

const deployment = testDeployment({
  baseUrl: "https://generativelanguage.googleapis.com/v1beta",
  id: "gemini-2-5-flash",
  provider: "gemini",
  format: "gemini",
  model: "gemini-2.5-flash",
  defaultMaxOutputTokens: 2048,
});
const user = (content: string) => ({ role: "user" as const, content });

function refusal(request: ChatRequest): ProviderError {
  try {
    convertToGeminiRequest(request, deployment);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

describe("convertToGeminiRequest", () => {
  it("converts a conversation with tools, tool calls, results and images", () => {
    const body = convertToGeminiRequest(
      {
        model: "premium",
        tenant: "acme",
        user: "end-user-42",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "developer", content: [{ type: "text", text: "Answer in English." }] },
          {
            role: "user",
            content: [
              { type: "text", text: "Weather where this was taken?" },
              { type: "image_url", image_url: { url: "https://example.com/photos/boston.JPG", detail: "high" } },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            ],
          },
          {
            role: "assistant",
            content: "Checking.",
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"location":"Boston"}' } },
              { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
            ],
          },
          { role: "tool", tool_call_id: "call_a", content: '{"celsius":21}' },
          { role: "tool", tool_call_id: "call_b", content: "09:14", name: "get_time" },
          user("Thanks. And tomorrow?"),
        ],
        max_tokens: 300,
        temperature: 1.5,
        top_p: 0.9,
        stop: "END",
        seed: 7,
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Current weather",
              parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"], additionalProperties: false },
              strict: true,
            },
          },
          { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } },
        ],
        tool_choice: "auto",
      },
      deployment,
    );
    expect(geminiGenerateContentRequestSchema.safeParse(body).success).toBe(true);
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: "You are terse." }, { text: "Answer in English." }] },
      contents: [
        {
          role: "user",
          parts: [
            { text: "Weather where this was taken?" },
            { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/photos/boston.JPG" } },
            { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
        {
          role: "model",
          parts: [
            { text: "Checking." },
            { functionCall: { name: "get_weather", args: { location: "Boston" } } },
            { functionCall: { name: "get_time", args: {} } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "get_weather", response: { celsius: 21 } } },
            { functionResponse: { name: "get_time", response: { output: "09:14" } } },
            { text: "Thanks. And tomorrow?" },
          ],
        },
      ],
      generationConfig: { maxOutputTokens: 300, temperature: 1.5, topP: 0.9, stopSequences: ["END"], seed: 7 },
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "Current weather",
              parameters: { type: "OBJECT", properties: { location: { type: "STRING" } }, required: ["location"] },
            },
            { name: "get_time" },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
    });
  });

  it("leaves empty texts out, which Gemini refuses", () => {
    const body = convertToGeminiRequest(
      {
        messages: [
          { role: "system", content: "" },
          { role: "user", content: [{ type: "text", text: "" }, { type: "text", text: "hi" }] },
          { role: "assistant", content: "", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
        ],
      },
      deployment,
    );
    expect(body.systemInstruction).toBeUndefined();
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "hi" }] },
      { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
    ]);
    expect(refusal({ messages: [{ role: "user", content: "" }] }).message).toContain("messages[0] (user) has no content");
  });

  it("uses the deployment's default max tokens", () => {
    expect(convertToGeminiRequest({ messages: [user("hi")] }, deployment)).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      generationConfig: { maxOutputTokens: 2048 },
    });
  });

  it.each([
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [{ type: "function", function: { name: "lookup" } }, { mode: "ANY", allowedFunctionNames: ["lookup"] }],
  ] as const)("maps tool_choice %j", (toolChoice, functionCallingConfig) => {
    const body = convertToGeminiRequest(
      { messages: [user("hi")], tools: [{ type: "function", function: { name: "lookup" } }], tool_choice: toolChoice },
      deployment,
    );
    expect(body.toolConfig).toEqual({ functionCallingConfig });
  });

  it("asks for JSON, with the schema when there is one", () => {
    const jsonObject = convertToGeminiRequest({ messages: [user("hi")], response_format: { type: "json_object" } }, deployment);
    expect(jsonObject.generationConfig).toEqual({ maxOutputTokens: 2048, responseMimeType: "application/json" });
    const jsonSchema = convertToGeminiRequest(
      {
        messages: [user("hi")],
        response_format: {
          type: "json_schema",
          json_schema: { name: "answer", strict: true, schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } },
        },
      },
      deployment,
    );
    expect(jsonSchema.generationConfig).toEqual({
      maxOutputTokens: 2048,
      responseMimeType: "application/json",
      responseSchema: { type: "OBJECT", properties: { ok: { type: "BOOLEAN" } }, required: ["ok"] },
    });
    const text = convertToGeminiRequest({ messages: [user("hi")], response_format: { type: "text" } }, deployment);
    expect(text.generationConfig).toEqual({ maxOutputTokens: 2048 });
  });

  it("marks each model turn's first call with the placeholder signature for Gemini 3", () => {
    const request: ChatRequest = {
      messages: [
        user("hi"),
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "1", type: "function", function: { name: "a", arguments: "{}" } },
            { id: "2", type: "function", function: { name: "b", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "1", content: "x" },
        { role: "tool", tool_call_id: "2", content: "y" },
      ],
    };
    const gemini3 = convertToGeminiRequest(request, { ...deployment, model: "gemini-3-pro-preview" });
    expect(gemini3.contents[1]?.parts).toEqual([
      { functionCall: { name: "a", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
      { functionCall: { name: "b", args: {} } },
    ]);
    const gemini25 = convertToGeminiRequest(request, deployment);
    expect(gemini25.contents[1]?.parts.some((part) => part.thoughtSignature !== undefined)).toBe(false);
  });

  it("pairs a reused tool call id with the nearest earlier call", () => {
    const call = (name: string) => ({
      role: "assistant" as const,
      content: null,
      tool_calls: [{ id: "call_0", type: "function" as const, function: { name, arguments: "{}" } }],
    });
    const body = convertToGeminiRequest(
      {
        messages: [user("go"), call("first"), { role: "tool", tool_call_id: "call_0", content: "1" }, call("second"), { role: "tool", tool_call_id: "call_0", content: "2" }],
      },
      deployment,
    );
    expect(body.contents.map((content) => content.parts[0])).toEqual([
      { text: "go" },
      { functionCall: { name: "first", args: {} } },
      { functionResponse: { name: "first", response: { output: "1" } } },
      { functionCall: { name: "second", args: {} } },
      { functionResponse: { name: "second", response: { output: "2" } } },
    ]);
  });

  it.each([
    [{ messages: [user("hi"), { role: "system", content: "late" }] }, "messages[1] (system) comes after the conversation started"],
    [{ messages: [{ role: "user", content: "hi", name: "alice" }] }, "messages[0] has a name"],
    [{ messages: [user("hi"), { role: "tool", tool_call_id: "call_x", content: "42" }] }, 'answers tool_call_id "call_x", which no earlier assistant message called'],
    [{ messages: [user("hi"), { role: "tool", content: "42" }] }, "answers tool_call_id null"],
    [
      {
        messages: [
          user("hi"),
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }] },
        ],
      },
      "messages[1].tool_calls[0].function.arguments is not valid JSON",
    ],
    [
      {
        messages: [
          user("hi"),
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "[1]" } }] },
        ],
      },
      "is not a JSON object",
    ],
    [{ messages: [user("hi"), { role: "assistant", content: null }] }, "(assistant) has neither content nor tool_calls"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/photo" } }] }] }, "cannot tell the image type"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.gif" } }] }] }, "cannot tell the image type"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "gs://bucket/a.png" } }] }] }, 'scheme "gs:"'],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }] }] }, "must be base64"],
    [{ messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x.example/a.png" } }] }, user("hi")] }, "holds an image"],
    [{ messages: [user("hi")], tool_choice: "required" }, "declares no tools"],
    [{ messages: [user("hi")], tools: [{ type: "function", function: { name: "a" } }], tool_choice: { type: "function", function: { name: "b" } } }, '"b"'],
    [
      {
        messages: [user("hi")],
        response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: { a: { oneOf: [] } } } } },
      },
      "response_format.json_schema.schema.properties.a.oneOf",
    ],
  ] as Array<[ChatRequest, string]>)("refuses what Gemini cannot express (%#)", (request, mentioned) => {
    const error = refusal(request);
    expect(error.data).toMatchObject({ kind: "bad_request", retryable: false, provider: "gemini", deploymentId: "gemini-2-5-flash" });
    expect(error.message).toContain(mentioned);
  });

  it("never puts a data URL's payload in an error message", () => {
    const url = `data:text/plain;base64,${"A".repeat(500)}`;
    const error = refusal({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }] });
    expect(error.message).not.toContain("AAAA");
  });
});
