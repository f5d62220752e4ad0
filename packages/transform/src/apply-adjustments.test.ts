import { describe, expect, it } from "vitest";
import type { ChatRequest, Classification } from "@switchyard/contracts";
import type { PromptAdjustment } from "@switchyard/config";
import { applyAdjustments } from "./apply-adjustments.js";

const classification: Classification = {
  complexity: "high",
  signals: ["multiStep", "reasoning"],
  domain: "code",
  estimatedInputTokens: 20,
  containsPii: false,
  piiKinds: [],
  urgency: "normal",
  tier: "premium",
};

const adjustments: PromptAdjustment[] = [
  { name: "step-by-step", when: { signals: ["reasoning"] }, appendSystem: "Think through this step by step." },
  { name: "xml", when: { structuredOutput: true }, appendSystem: "Structure your answer in XML tags." },
  { name: "legal-only", when: { domains: ["legal"] }, appendSystem: "Cite sources." },
];

describe("applyAdjustments", () => {
  it("appends every matching adjustment to the existing system prompt", () => {
    const request: ChatRequest = {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "why?" },
      ],
      response_format: { type: "json_object" },
    };
    const { request: adjusted, applied } = applyAdjustments(request, classification, adjustments);
    expect(applied).toEqual(["step-by-step", "xml"]);
    expect(adjusted.messages[0]?.content).toBe("Be brief.\n\nThink through this step by step.\nStructure your answer in XML tags.");
    expect(request.messages[0]?.content).toBe("Be brief.");
  });

  it("creates a system prompt when there is none, and does nothing when nothing matches", () => {
    const request: ChatRequest = { messages: [{ role: "user", content: "why?" }] };
    const { request: adjusted } = applyAdjustments(request, classification, adjustments);
    expect(adjusted.messages[0]).toEqual({ role: "system", content: "Think through this step by step." });
    const untouched = applyAdjustments(request, { ...classification, signals: [] }, adjustments);
    expect(untouched.request).toBe(request);
    expect(untouched.applied).toEqual([]);
  });
});
