import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatRequest } from "@switchyard/contracts";
import { estimateInputTokens } from "@switchyard/routing";
import { fitContextWindow } from "./fit-context-window.js";

const words = (count: number, word = "lorem") => Array.from({ length: count }, () => word).join(" ");

function conversation(turns: number, wordsPerMessage: number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: "You are terse." }];
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: "user", content: `turn ${turn}: ${words(wordsPerMessage)}` });
    messages.push({ role: "assistant", content: `answer ${turn}: ${words(wordsPerMessage)}` });
  }
  messages.push({ role: "user", content: `last question ${words(10)}` });
  return messages;
}

describe("fitContextWindow", () => {
  it("leaves a request that fits untouched", () => {
    const request: ChatRequest = { messages: conversation(2, 10) };
    const outcome = fitContextWindow(request, { contextWindowTokens: 10_000, outputTokens: 1000 });
    expect(outcome.kind).toBe("fits");
    if (outcome.kind === "fits") expect(outcome.request).toBe(request);
  });

  it("keeps the system prompt and the newest turns, dropping whole oldest turns", () => {
    const messages = conversation(20, 50);
    const full = estimateInputTokens(messages);
    const outcome = fitContextWindow({ messages }, { contextWindowTokens: Math.floor(full / 2) + 200, outputTokens: 200 });
    expect(outcome.kind).toBe("truncated");
    if (outcome.kind !== "truncated") return;
    const kept = outcome.request.messages;
    expect(kept[0]).toEqual(messages[0]);
    expect(kept.at(-1)).toEqual(messages.at(-1));
    // Whole turns: every kept assistant answer follows its own user question.
    const contents = kept.slice(1).map((message) => String(message.content).split(":")[0]);
    for (let index = 0; index < contents.length - 1; index += 2) {
      expect(contents[index]?.replace("turn", "answer")).toBe(contents[index + 1]);
    }
    expect(outcome.truncation.droppedMessages).toBe(messages.length - kept.length);
    expect(outcome.truncation.inputTokensBefore).toBe(full);
    expect(outcome.truncation.inputTokensAfter).toBeLessThanOrEqual(Math.floor(full / 2));
    // The newest kept turns are a suffix of the original conversation.
    expect(messages.slice(-(kept.length - 1))).toEqual(kept.slice(1));
  });

  it("never splits a tool call from its result", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: `old ${words(400)}` },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", content: words(400), tool_call_id: "c1" },
      { role: "user", content: "new question" },
    ];
    const outcome = fitContextWindow({ messages }, { contextWindowTokens: 300, outputTokens: 100 });
    expect(outcome.kind).toBe("truncated");
    if (outcome.kind === "truncated") expect(outcome.request.messages).toEqual([messages[3]]);
  });

  it("says so when even the instructions and the newest turn cannot fit", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: words(500) },
      { role: "user", content: words(500) },
    ];
    const outcome = fitContextWindow({ messages }, { contextWindowTokens: 600, outputTokens: 100 });
    expect(outcome.kind).toBe("too_large");
    if (outcome.kind === "too_large") {
      expect(outcome.budgetTokens).toBe(500);
      expect(outcome.minimumTokens).toBeGreaterThan(500);
    }
  });
});
