import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RecordedResponse } from "../conformance/fixture-server.js";
import { mapOpenAiResponse } from "./map-openai-response.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const context = { provider: "openai", deploymentId: "openai-gpt-4-1", status: 200, requestedModel: "gpt-4.1" };
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), "utf8")) as RecordedResponse;

describe("mapOpenAiResponse", () => {
  it("maps a recorded tool-call completion, with its rate-limit headers", () => {
    const recorded = fixture("chat-completion-tool-calls-200");
    const result = mapOpenAiResponse(JSON.stringify(recorded.body), { ...context, headers: recorded.headers, nowMs: NOW });
    expect(result).toEqual({
      model: "gpt-4.1-2025-04-14",
      message: {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_Qm3RvX8tLk2YpN7wJd4HsE1a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' } },
          { id: "call_Vb6NcT2pWq9KsR4mLx8HfA3d", type: "function", function: { name: "get_time", arguments: '{"timezone":"Europe/Paris"}' } },
        ],
      },
      finishReason: "tool_calls",
      usage: { inputTokens: 142, outputTokens: 48, cachedInputTokens: 0 },
      providerResponseId: "chatcmpl-BXnT9qWc3LmKd7YpZr1xNfH5sGvEa",
      rateLimit: {
        observedAtMs: NOW,
        requests: { limit: 10000, remaining: 9998, resetAtMs: NOW + 12 },
        tokens: { limit: 30000000, remaining: 29999850, resetAtMs: NOW },
      },
    });
  });

  it("reads cached prompt tokens", () => {
    const result = mapOpenAiResponse(JSON.stringify(fixture("chat-completion-200").body), context);
    expect(result.usage).toEqual({ inputTokens: 1117, outputTokens: 46, cachedInputTokens: 1024 });
  });

  it("attaches no rateLimit when the headers say nothing about limits", () => {
    const result = mapOpenAiResponse(JSON.stringify(fixture("chat-completion-200").body), { ...context, headers: { "x-request-id": "r" } });
    expect(result).not.toHaveProperty("rateLimit");
    expect(result.message).not.toHaveProperty("tool_calls");
  });

  it("gives a tool call without an id one, and one without arguments an empty object", () => {
    const body = {
      choices: [{ message: { role: "assistant", content: null, tool_calls: [{ function: { name: "now" } }] }, finish_reason: "tool_calls" }],
    };
    const [toolCall] = mapOpenAiResponse(JSON.stringify(body), context).message.tool_calls ?? [];
    expect(toolCall).toEqual({ id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: "function", function: { name: "now", arguments: "{}" } });
  });
});
