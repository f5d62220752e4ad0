import { describe, expect, it } from "vitest";
import { chatRequestSchema, classificationSchema, type ChatRequest } from "@switchyard/contracts";
import { classifyRequest } from "./classify-request.js";
import { estimateInputTokens } from "./estimate-tokens.js";

function request(body: unknown): ChatRequest {
  return chatRequestSchema.parse(body);
}

describe("classifyRequest", () => {
  it("classifies a plain question as low-complexity general standard work", () => {
    const chat = request({ messages: [{ role: "user", content: "What is the capital of France?" }] });
    const classification = classifyRequest(chat);
    expect(classification).toEqual({
      complexity: "low",
      signals: ["factual"],
      domain: "general",
      estimatedInputTokens: estimateInputTokens(chat.messages),
      containsPii: false,
      piiKinds: [],
      urgency: "normal",
      tier: "standard",
    });
    expect(classificationSchema.parse(classification)).toEqual(classification);
  });

  it("sends a hard code question to premium", () => {
    const classification = classifyRequest(
      request({
        messages: [
          { role: "system", content: "You are a senior engineer." },
          {
            role: "user",
            content:
              "Explain step by step why this TypeScript function returns NaN, then compare two fixes.\n```ts\nfunction total(xs: number[]) { return xs.reduce((a, b) => a + b); }\n```",
          },
        ],
      }),
    );
    expect(classification).toMatchObject({ complexity: "high", domain: "code", tier: "premium", containsPii: false });
  });

  it("sends PII to private, even from the system prompt and even for batch work", () => {
    const classification = classifyRequest(
      request({
        messages: [
          { role: "system", content: "The customer is jane@example.com, card 4111 1111 1111 1111." },
          { role: "user", content: "Summarise the ticket." },
        ],
        metadata: { urgency: "batch" },
      }),
    );
    expect(classification).toMatchObject({ containsPii: true, piiKinds: ["card", "email"], tier: "private", urgency: "batch" });
  });

  it("reads text parts of multi-part content", () => {
    const classification = classifyRequest(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Who is in this photo? Their number is +44 20 7946 0958." },
              { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
            ],
          },
        ],
      }),
    );
    expect(classification.piiKinds).toEqual(["phone"]);
    expect(classification.tier).toBe("private");
  });

  it("takes urgency from metadata and honours requiresLocal", () => {
    const ask = (extra: object) => classifyRequest(request({ messages: [{ role: "user", content: "Hello" }], ...extra }));
    expect(ask({ metadata: { urgency: "realtime" } })).toMatchObject({ urgency: "realtime", tier: "fast" });
    expect(ask({ metadata: { team: "search" } })).toMatchObject({ urgency: "normal", tier: "standard" });
    expect(ask({ constraints: { requiresLocal: true } })).toMatchObject({ containsPii: false, tier: "private" });
  });

  it("marks long inputs", () => {
    const long = "The service logs a line for every request it handles. ".repeat(400);
    const classification = classifyRequest(request({ messages: [{ role: "user", content: long }] }));
    expect(classification.estimatedInputTokens).toBeGreaterThan(2_000);
    expect(classification.signals).toContain("long");
    expect(classificationSchema.safeParse(classification).success).toBe(true);
  });
});
