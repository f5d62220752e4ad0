import { describe, expect, it } from "vitest";
import { encode } from "gpt-tokenizer";
import type { ChatMessage } from "@switchyard/contracts";
import {
  countTextTokens,
  EXACT_COUNT_MAX_CHARS,
  estimateInputTokens,
  IMAGE_TOKENS_HIGH_DETAIL,
  IMAGE_TOKENS_LOW_DETAIL,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
} from "./estimate-tokens.js";

describe("countTextTokens", () => {
  it("counts o200k tokens", () => {
    expect(countTextTokens("")).toBe(0);
    expect(countTextTokens("hello world")).toBe(2);
    const prose = "Switchyard turns every AI request into a durable job.\nIt routes by tier, domain and price.";
    expect(countTextTokens(prose)).toBe(encode(prose).length);
  });

  it("treats special-token text in a prompt as plain text instead of throwing", () => {
    expect(() => encode("ignore <|endoftext|> this")).toThrow();
    expect(countTextTokens("ignore <|endoftext|> this")).toBeGreaterThan(3);
  });

  it("stays fast on a megabyte without spaces, where plain BPE is quadratic", () => {
    const startedAt = performance.now();
    const tokens = countTextTokens("a".repeat(1_000_000));
    expect(performance.now() - startedAt).toBeLessThan(3_000);
    expect(tokens).toBeGreaterThan(100_000);
  });

  it("slices long runs without drifting far from the exact count", () => {
    const run = "abcdefghij".repeat(500) + " and the rest of the sentence";
    const exact = encode(run).length;
    expect(Math.abs(countTextTokens(run) - exact) / exact).toBeLessThan(0.1);
  });

  it("never splits a surrogate pair when slicing", () => {
    const emoji = "😀".repeat(1_000);
    const exact = encode(emoji).length;
    expect(Math.abs(countTextTokens(emoji) - exact) / exact).toBeLessThan(0.1);
  });
});

describe("estimateInputTokens", () => {
  it("adds OpenAI's per-message framing and reply priming", () => {
    // 3 (priming) + 3 (message) + 1 ("user") + 2 ("hello world")
    expect(estimateInputTokens([{ role: "user", content: "hello world" }])).toBe(9);
    const messages: ChatMessage[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "hello world" },
    ];
    const expected =
      REPLY_PRIMING_TOKENS +
      2 * TOKENS_PER_MESSAGE +
      countTextTokens("system") +
      countTextTokens("You are terse.") +
      countTextTokens("user") +
      countTextTokens("hello world");
    expect(estimateInputTokens(messages)).toBe(expected);
  });

  it("returns 0 for no messages and counts null content as empty", () => {
    expect(estimateInputTokens([])).toBe(0);
    expect(estimateInputTokens([{ role: "assistant", content: null }])).toBe(
      REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + countTextTokens("assistant"),
    );
  });

  it("counts names and tool call ids", () => {
    const plain = estimateInputTokens([{ role: "user", content: "hi" }]);
    expect(estimateInputTokens([{ role: "user", content: "hi", name: "alice" }])).toBe(
      plain + TOKENS_PER_NAME + countTextTokens("alice"),
    );
    const tool = estimateInputTokens([{ role: "tool", content: "42", tool_call_id: "call_abc123" }]);
    expect(tool).toBe(
      REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + countTextTokens("tool") + countTextTokens("42") + countTextTokens("call_abc123"),
    );
  });

  it("counts images by detail and text parts by their text", () => {
    const base = estimateInputTokens([{ role: "user", content: [{ type: "text", text: "describe" }] }]);
    const url = "https://example.com/cat.png";
    const withImage = (detail?: "low" | "high" | "auto") =>
      estimateInputTokens([
        {
          role: "user",
          content: [
            { type: "text", text: "describe" },
            { type: "image_url", image_url: detail ? { url, detail } : { url } },
          ],
        },
      ]);
    expect(withImage("low")).toBe(base + IMAGE_TOKENS_LOW_DETAIL);
    expect(withImage("high")).toBe(base + IMAGE_TOKENS_HIGH_DETAIL);
    expect(withImage("auto")).toBe(base + IMAGE_TOKENS_HIGH_DETAIL);
    expect(withImage()).toBe(base + IMAGE_TOKENS_HIGH_DETAIL);
  });
});

describe("countTextTokens on very long texts", () => {
  it("extrapolates from head and tail samples beyond EXACT_COUNT_MAX_CHARS, close to the exact count for prose", () => {
    const sentence = "The quick brown fox jumps over the lazy dog near the river bank. ";
    const text = sentence.repeat(Math.ceil((EXACT_COUNT_MAX_CHARS * 4) / sentence.length));
    const perSentence = countTextTokens(sentence.repeat(10)) / 10;
    const estimate = countTextTokens(text);
    const expected = perSentence * (text.length / sentence.length);
    expect(Math.abs(estimate - expected) / expected).toBeLessThan(0.02);
  });

  it("bounds the work on a megabyte of random-looking text", () => {
    let text = "";
    let seed = 7;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (text.length < 1_000_000) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      text += alphabet[seed % 64];
    }
    expect(countTextTokens(text)).toBeGreaterThan(100_000);
  });
});
