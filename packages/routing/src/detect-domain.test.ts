import { describe, expect, it } from "vitest";
import { DOMAIN_TIE_ORDER, detectDomain, MIN_DOMAIN_SCORE, scoreDomains } from "./detect-domain.js";

describe("detectDomain", () => {
  it("recognises code", () => {
    for (const text of [
      "Why does this fail?\n```ts\nconst total = items.reduce((a, b) => a + b);\n```",
      "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nKeyError: 'id'",
      "SELECT id, name FROM users WHERE created_at > now()",
      "How do I write a recursive function in TypeScript?",
      "My python script throws TypeError: undefined is not a function",
      "def handler(event):\n    return event",
    ]) {
      expect(detectDomain(text), text).toBe("code");
    }
  });

  it("recognises the regulated domains", () => {
    expect(detectDomain("The tenant shall indemnify the landlord pursuant to clause 4 of this agreement.")).toBe("legal");
    expect(detectDomain("Is this NDA clause enforceable in my jurisdiction?")).toBe("legal");
    expect(detectDomain("Patient presents with fever and nausea; what dosage of ibuprofen is safe?")).toBe("medical");
    expect(detectDomain("What are the side effects of this prescription?")).toBe("medical");
    expect(detectDomain("Build a DCF valuation from this cash flow and the current interest rates.")).toBe("financial");
    expect(detectDomain("Is a dividend portfolio better than bonds for retirement savings?")).toBe("financial");
  });

  it("recognises creative writing, data extraction and math", () => {
    expect(detectDomain("Write a haiku about the sea.")).toBe("creative");
    expect(detectDomain("Write a short story whose protagonist is a lighthouse keeper.")).toBe("creative");
    expect(detectDomain("Extract the vendor, date and total from this invoice as JSON.")).toBe("data-extraction");
    expect(detectDomain("Parse these rows into a table with columns name and email.")).toBe("data-extraction");
    expect(detectDomain("Solve for x: 2x^2 + 3x - 5 = 0")).toBe("math");
    expect(detectDomain("Prove the theorem that there are infinitely many prime numbers.")).toBe("math");
    expect(detectDomain("What is 12 * 7?")).toBe("math");
  });

  it("falls back to general without enough evidence", () => {
    for (const text of [
      "",
      "Hello, how are you?",
      "What is the capital of France?",
      "Select the best option from the list.",
      "What's the dress code?",
      "Give me some advice on pain.",
    ]) {
      expect(detectDomain(text), text).toBe("general");
    }
  });

  it("counts repeated words once per rule, so repetition does not win a domain", () => {
    expect(scoreDomains("code code code code code code").code).toBe(1);
    expect(detectDomain("code ".repeat(1_000))).toBe("general");
  });

  it("breaks ties by the documented order", () => {
    // Two weak legal words and two weak financial words: 2 points each.
    const text = "The contract and the agreement mention stocks and a loan.";
    const scores = scoreDomains(text);
    expect(scores.legal).toBe(scores.financial);
    expect(scores.legal).toBeGreaterThanOrEqual(MIN_DOMAIN_SCORE);
    expect(DOMAIN_TIE_ORDER.indexOf("legal")).toBeLessThan(DOMAIN_TIE_ORDER.indexOf("financial"));
    expect(detectDomain(text)).toBe("legal");
  });

  it("lets the strongest evidence win over a weaker domain", () => {
    // "function" alone is weak code evidence; medical vocabulary outweighs it.
    expect(detectDomain("What is the function of the liver, and which symptoms show a disease?")).toBe("medical");
  });
});
