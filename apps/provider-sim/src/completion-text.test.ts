import { describe, expect, it } from "vitest";
import { generateCompletionText } from "./completion-text.js";
import { encodeText } from "./token-count.js";

const prompt = "Explain exponential backoff for retries in distributed queues";

describe("generateCompletionText", () => {
  it("is deterministic for the same model and prompt", () => {
    const first = generateCompletionText({ model: "gpt-4.1", prompt });
    const second = generateCompletionText({ model: "gpt-4.1", prompt });
    expect(second).toEqual(first);
    expect(first.finishReason).toBe("stop");
    expect(first.content.length).toBeGreaterThan(40);
  });

  it("talks about the prompt's topic", () => {
    const { content } = generateCompletionText({ model: "gpt-4.1", prompt });
    expect(content).toMatch(/exponential|backoff|retries/);
  });

  it("varies with the model and the prompt", () => {
    const contents = new Set(
      ["gpt-4.1", "gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-pro"].flatMap((model) => [
        generateCompletionText({ model, prompt }).content,
        generateCompletionText({ model, prompt: "Summarise this contract about leasing office space" }).content,
      ]),
    );
    expect(contents.size).toBeGreaterThan(4);
  });

  it("counts completion tokens with the tokenizer", () => {
    const text = generateCompletionText({ model: "gpt-4.1", prompt });
    expect(text.completionTokens).toBe(encodeText(text.content).length);
  });

  it("truncates to maxTokens and reports finish reason length", () => {
    const full = generateCompletionText({ model: "gpt-4.1", prompt });
    const truncated = generateCompletionText({ model: "gpt-4.1", prompt, maxTokens: 5 });
    expect(truncated.completionTokens).toBe(5);
    expect(truncated.finishReason).toBe("length");
    expect(full.content.startsWith(truncated.content)).toBe(true);
  });

  it("keeps the whole text when maxTokens is large enough", () => {
    const full = generateCompletionText({ model: "gpt-4.1", prompt });
    expect(generateCompletionText({ model: "gpt-4.1", prompt, maxTokens: full.completionTokens })).toEqual(full);
  });

  it("cuts at the first stop sequence", () => {
    const full = generateCompletionText({ model: "gpt-4.1", prompt });
    const stopped = generateCompletionText({ model: "gpt-4.1", prompt, stop: ["."] });
    expect(stopped.content).toBe(full.content.slice(0, full.content.indexOf(".")));
    expect(stopped.finishReason).toBe("stop");
  });

  it("copes with prompts that have no words or contain special tokens", () => {
    expect(generateCompletionText({ model: "m", prompt: "" }).content).toContain("your question");
    expect(generateCompletionText({ model: "m", prompt: "<|endoftext|> hello there" }).completionTokens).toBeGreaterThan(0);
  });
});
