import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ProviderError, type ChatMessage, type ChatRequest, type ContentPart, type ToolDefinition } from "@switchyard/contracts";
import { convertFromGeminiRequest } from "./convert-from-gemini-request.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { expressibleObjectSchema, propertyName } from "./json-schema-arbitraries.test-support.js";
import { testDeployment } from "../conformance/test-deployment.js";

const deployment = testDeployment({
  baseUrl: "https://generativelanguage.googleapis.com/v1beta",
  provider: "gemini",
  format: "gemini",
  model: "gemini-2.5-flash",
});

function refusal(body: unknown): ProviderError {
  try {
    convertFromGeminiRequest(body);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected the body to be refused");
}

describe("convertFromGeminiRequest", () => {
  it("reads a Gemini request with calls, responses, images and config", () => {
    const request = convertFromGeminiRequest(
      {
        systemInstruction: { parts: [{ text: "Be brief." }] },
        contents: [
          { role: "user", parts: [{ text: "Weather?" }, { inlineData: { mimeType: "image/webp", data: "UklGRg==" } }] },
          {
            role: "model",
            parts: [
              { functionCall: { name: "get_weather", args: { city: "Oslo" } }, thoughtSignature: "CiQB0e2K" },
              { functionCall: { name: "get_weather", args: { city: "Bergen" } } },
            ],
          },
          {
            role: "user",
            parts: [
              { functionResponse: { name: "get_weather", response: { output: "rain" } } },
              { functionResponse: { name: "get_weather", response: { celsius: 9 } } },
              { text: "Which is warmer?" },
            ],
          },
        ],
        tools: [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } } } }] }],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
        generationConfig: { temperature: 0.3, maxOutputTokens: 400, stopSequences: ["\n\n"], responseMimeType: "text/plain" },
      },
      { model: "gemini-2.5-flash" },
    );
    expect(request).toEqual({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "image_url", image_url: { url: "data:image/webp;base64,UklGRg==" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Bergen"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_0", content: "rain" },
        { role: "tool", tool_call_id: "call_1", content: '{"celsius":9}' },
        { role: "user", content: "Which is warmer?" },
      ],
      temperature: 0.3,
      max_tokens: 400,
      stop: ["\n\n"],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
  });

  it("pairs responses with calls by id when Gemini sent ids", () => {
    const request = convertFromGeminiRequest({
      contents: [
        { role: "user", parts: [{ text: "go" }] },
        { role: "model", parts: [{ functionCall: { id: "a1", name: "f" } }, { functionCall: { id: "a2", name: "f" } }] },
        { role: "user", parts: [{ functionResponse: { id: "a2", name: "f", response: { output: "second" } } }] },
      ],
    });
    expect(request.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "a2", content: "second" });
  });

  it.each([
    [{ contents: [{ role: "user", parts: [{ text: "hi" }] }], safetySettings: [] }, 'Unrecognized key: "safetySettings"'],
    [{ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { topK: 40 } }, "generationConfig"],
    [{ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { stopSequences: ["a", "b", "c", "d", "e"] } }, "stop"],
    [{ contents: [{ role: "user", parts: [{ text: "hi", inlineData: { mimeType: "image/png", data: "" } }] }] }, "exactly one of"],
    [{ contents: [{ role: "user", parts: [{ inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }] }] }, "only images"],
    [{ contents: [{ role: "user", parts: [{ functionResponse: { name: "f", response: {} } }] }] }, 'no earlier unanswered functionCall of "f"'],
    [{ contents: [{ role: "model", parts: [{ functionResponse: { name: "f", response: {} } }] }] }, "in a model turn"],
    [
      {
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a", "b"] } },
      },
      "several named functions",
    ],
    [{ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { responseMimeType: "text/x.enum" } }, "text/x.enum"],
    [{ contents: [] }, "contents"],
  ])("refuses what the canonical request cannot carry (%#)", (body, mentioned) => {
    const error = refusal(body);
    expect(error.data).toMatchObject({ kind: "bad_request", provider: "gemini" });
    expect(error.message).toContain(mentioned);
  });
});

describe("canonical → Gemini → canonical", () => {
  const text = fc.string({ minLength: 1, maxLength: 16 });
  const image: fc.Arbitrary<ContentPart> = fc.oneof(
    fc
      .tuple(fc.constantFrom("image/png", "image/jpeg", "image/webp"), fc.base64String({ minLength: 4, maxLength: 16 }))
      .map(([mimeType, data]) => ({ type: "image_url" as const, image_url: { url: `data:${mimeType};base64,${data}` } })),
    fc
      .tuple(propertyName, fc.constantFrom("png", "jpg", "jpeg", "webp", "heic", "heif"))
      .map(([name, extension]) => ({ type: "image_url" as const, image_url: { url: `https://images.example.com/${name}.${extension}` } })),
  );
  const part: fc.Arbitrary<ContentPart> = fc.oneof(text.map((value) => ({ type: "text" as const, text: value })), image);
  // One text part reads back as a string, so content is a string or parts that cannot be one.
  const userContent = fc.oneof(text, fc.array(part, { minLength: 1, maxLength: 3 }).filter((parts) => parts.length > 1 || parts[0]?.type === "image_url"));
  const toolResult = fc.oneof(
    fc.string({ maxLength: 12 }).filter((value) => !isJsonObjectText(value)),
    fc.dictionary(propertyName, fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()), { minKeys: 1, maxKeys: 3 })
      .filter((value) => !("output" in value))
      .map((value) => JSON.stringify(value)),
  );
  const toolName = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
  const tools = fc.uniqueArray(
    fc.record(
      { name: toolName, description: fc.string({ maxLength: 20 }), parameters: expressibleObjectSchema },
      { requiredKeys: ["name"] },
    ).map((fn): ToolDefinition => ({ type: "function", function: fn })),
    { selector: (tool) => tool.function.name, minLength: 1, maxLength: 3 },
  );
  type Turn =
    | { kind: "user"; content: string | ContentPart[] }
    | { kind: "assistant"; content: string | null; calls: Array<{ name: string; args: Record<string, unknown>; result: string }> };
  const turn = (names: string[]): fc.Arbitrary<Turn> =>
    fc.oneof(
      userContent.map((content) => ({ kind: "user" as const, content })),
      text.map((content) => ({ kind: "assistant" as const, content, calls: [] })),
      fc.record({
        kind: fc.constant("assistant" as const),
        content: fc.option(text, { nil: null }),
        calls: fc.array(
          fc.record({
            name: names.length > 0 ? fc.constantFrom(...names) : toolName,
            args: fc.dictionary(propertyName, fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()), { maxKeys: 3 }),
            result: toolResult,
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    );

  const request: fc.Arbitrary<ChatRequest> = fc
    .record(
      {
        system: text,
        tools,
        idPrefix: fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
        first: userContent,
        max_tokens: fc.integer({ min: 1, max: 100_000 }),
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        top_p: fc.double({ min: 0, max: 1, noNaN: true }),
        stop: fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
        seed: fc.integer(),
        toolChoice: fc.constantFrom("auto", "none", "required", "named"),
        jsonMode: fc.constantFrom("json_object", "json_schema"),
        responseSchema: expressibleObjectSchema,
      },
      { requiredKeys: ["tools", "idPrefix", "first", "max_tokens"] },
    )
    .chain((shape) => fc.array(turn(shape.tools.map((tool) => tool.function.name)), { maxLength: 6 }).map((turns) => buildRequest(shape, turns)));

  function buildRequest(shape: Record<string, unknown> & { tools: ToolDefinition[]; idPrefix: string; first: string | ContentPart[] }, turns: Turn[]): ChatRequest {
    const messages: ChatMessage[] = [];
    if (typeof shape.system === "string") messages.push({ role: "system", content: shape.system });
    messages.push({ role: "user", content: shape.first });
    let previous: Turn["kind"] | "tool" = "user";
    let callCount = 0;
    for (const next of turns) {
      // Two user or two assistant messages in a row become one Gemini turn, and read back as one message.
      if (next.kind === previous) continue;
      previous = next.kind;
      if (next.kind === "user") {
        messages.push({ role: "user", content: next.content });
        continue;
      }
      const ids = next.calls.map(() => `${shape.idPrefix}-${callCount++}`);
      messages.push({
        role: "assistant",
        content: next.content,
        ...(next.calls.length > 0
          ? { tool_calls: next.calls.map((call, index) => ({ id: ids[index] ?? "", type: "function" as const, function: { name: call.name, arguments: JSON.stringify(call.args) } })) }
          : {}),
      });
      next.calls.forEach((call, index) => messages.push({ role: "tool", tool_call_id: ids[index] ?? "", content: call.result }));
      // Tool results are a user turn; a user message after them joins it and reads back after them, as it was.
      if (next.calls.length > 0) previous = "tool";
    }
    const result: ChatRequest = { messages, max_tokens: shape.max_tokens as number, tools: shape.tools };
    for (const key of ["temperature", "top_p", "stop", "seed"] as const) if (shape[key] !== undefined) Object.assign(result, { [key]: shape[key] });
    const firstTool = shape.tools[0]?.function.name ?? "";
    if (shape.toolChoice === "named") result.tool_choice = { type: "function", function: { name: firstTool } };
    else if (shape.toolChoice !== undefined) result.tool_choice = shape.toolChoice as "auto" | "none" | "required";
    if (shape.jsonMode === "json_object") result.response_format = { type: "json_object" };
    else if (shape.jsonMode === "json_schema" && shape.responseSchema !== undefined) {
      result.response_format = { type: "json_schema", json_schema: { name: "response", schema: shape.responseSchema as Record<string, unknown> } };
    }
    return result;
  }

  /** Tool call ids do not survive Gemini: they come back numbered in order of appearance. */
  function renumberToolCallIds(original: ChatRequest): ChatRequest {
    const renamed = new Map<string, string>();
    const messages = original.messages.map((message): ChatMessage => {
      if (message.tool_calls) {
        return { ...message, tool_calls: message.tool_calls.map((call) => ({ ...call, id: renamed.set(call.id, `call_${renamed.size}`).get(call.id) ?? "" })) };
      }
      if (message.tool_call_id !== undefined) return { ...message, tool_call_id: renamed.get(message.tool_call_id) ?? "" };
      return message;
    });
    return { ...original, messages };
  }

  it.each(["gemini-2.5-flash", "gemini-3-pro-preview"])(
    "preserves roles, system prompt, sampling, stops, tools, tool calls, images and max tokens (%s)",
    (model) => {
      fc.assert(
        fc.property(request, (original) => {
          const wire = JSON.parse(JSON.stringify(convertToGeminiRequest(original, { ...deployment, model })));
          expect(convertFromGeminiRequest(wire)).toEqual(renumberToolCallIds(original));
        }),
        { numRuns: 300 },
      );
    },
  );
});

function isJsonObjectText(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
