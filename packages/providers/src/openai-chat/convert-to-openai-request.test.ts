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
});
