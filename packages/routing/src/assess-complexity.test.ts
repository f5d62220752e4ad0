import { describe, expect, it } from "vitest";
import { assessComplexity, LONG_INPUT_TOKENS } from "./assess-complexity.js";

const short = (text: string) => assessComplexity(text, 50);

describe("assessComplexity", () => {
  it("follows the seed guide's rule", () => {
    // multiStep && reasoning → high
    expect(short("Analyze the quarterly report and summarize the risks.")).toEqual({
      complexity: "high",
      signals: ["multiStep", "reasoning"],
    });
    expect(short("Explain step by step how TCP congestion control works.").complexity).toBe("high");
    expect(short("First profile the service, then explain why p99 latency doubled.").complexity).toBe("high");
    // creative || reasoning → medium
    expect(short("Write a poem about autumn.")).toEqual({ complexity: "medium", signals: ["creative"] });
    expect(short("Compare PostgreSQL and MySQL for analytics.")).toEqual({ complexity: "medium", signals: ["reasoning"] });
    // else low
    expect(short("What is the capital of France?")).toEqual({ complexity: "low", signals: ["factual"] });
    expect(short("Translate 'good morning' into Spanish.")).toEqual({ complexity: "low", signals: [] });
  });

  it("keeps multi-step alone low, as the seed rule does", () => {
    expect(short("Do it step by step.")).toEqual({ complexity: "low", signals: ["multiStep"] });
  });

  it("matches whole words only", () => {
    // The seed's bare /how/ and /why/ matched these.
    expect(short("Show me the list of open tickets.")).toEqual({ complexity: "low", signals: ["factual"] });
    expect(short("Anyhow, rewrite nothing; knowhow matters.").signals).not.toContain("reasoning");
    expect(short("The firsthand account, thenceforth.").signals).not.toContain("multiStep");
  });

  it("does not read a greeting as reasoning", () => {
    expect(short("Hi! How are you?")).toEqual({ complexity: "low", signals: [] });
  });

  it("recognises more multi-step phrasings", () => {
    for (const text of [
      "Walk me through the migration.",
      "Break this down for me.",
      "Fetch the data and then chart it.",
      "1. Parse the log\n2. Group errors by service\n3. Report the top five",
      "Analyze the logs, compare the error rates and summarize them.",
    ]) {
      expect(short(text).signals, text).toContain("multiStep");
    }
  });

  it("needs paired phrases to be near each other", () => {
    const far = `First, some context. ${"Filler sentence about nothing in particular. ".repeat(30)}Then we stop.`;
    expect(short(far).signals).not.toContain("multiStep");
    expect(short("First read it. Then why does it fail?").complexity).toBe("high");
  });

  it("raises complexity one level for long inputs", () => {
    expect(assessComplexity("What is this?", LONG_INPUT_TOKENS)).toEqual({ complexity: "low", signals: ["factual"] });
    expect(assessComplexity("What is this?", LONG_INPUT_TOKENS + 1)).toEqual({
      complexity: "medium",
      signals: ["factual", "long"],
    });
    expect(assessComplexity("Why is this slow?", 50_000).complexity).toBe("high");
    expect(assessComplexity("Explain step by step why.", 50_000).complexity).toBe("high");
  });

  it("stays fast on adversarial megabyte inputs", () => {
    for (const text of ["first ".repeat(170_000), "analyze and ".repeat(85_000), "1. do\n".repeat(170_000)]) {
      const startedAt = performance.now();
      assessComplexity(text, 0);
      expect(performance.now() - startedAt).toBeLessThan(1_500);
    }
  });
});
