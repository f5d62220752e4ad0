import type { Complexity } from "@switchyard/contracts";

/** Match start and end offsets of a global pattern. */
function spans(pattern: RegExp, text: string): [number, number][] {
  return Array.from(text.matchAll(pattern), (match) => [match.index, match.index + match[0].length]);
}

/** Index of the first span starting at or after `offset` (spans are sorted). */
function firstAtOrAfter(list: readonly [number, number][], offset: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (list[middle]![0] < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * True when the patterns occur in this order with the whole sequence inside `maxSpanChars`, like the
 * seed's `first.*then`. Computed from match offsets, so it stays linear where a regex with a window
 * would backtrack over every "first" in a megabyte of text.
 */
function inOrder(text: string, patterns: readonly RegExp[], maxSpanChars: number): boolean {
  const [head, ...rest] = patterns.map((pattern) => spans(pattern, text));
  if (!head || rest.some((list) => list.length === 0)) return false;
  for (const [start, headEnd] of head) {
    let end = headEnd;
    let complete = true;
    for (const list of rest) {
      const next = list[firstAtOrAfter(list, end)];
      if (!next || next[1] - start > maxSpanChars) {
        complete = false;
        break;
      }
      end = next[1];
    }
    if (complete) return true;
  }
  return false;
}

/** Paired phrases must sit within this many characters of each other (a paragraph or so). */
const PAIR_WINDOW_CHARS = 600;

/**
 * The seed guide's heuristics, which "work surprisingly well", with word boundaries (its bare `/how/`
 * matched "show" and `/why/` matched "anyhow") and more phrasings.
 */
const MULTI_STEP_PHRASES = new RegExp(
  [
    String.raw`\bstep[- ]by[- ]step\b`,
    String.raw`\bmulti-?step\b`,
    String.raw`\b(?:and then|and finally|after that|once (?:that's|that is) done)\b`,
    String.raw`\bwalk me through\b`,
    String.raw`\bbreak (?:it|this|that) down\b`,
    // A numbered list of at least two instructions.
    String.raw`^[ \t]*1[.)][ \t]+\S.*\n(?:.*\n){0,20}?[ \t]*2[.)][ \t]+\S`,
  ].join("|"),
  "im",
);

const SIGNAL_TESTS = {
  multiStep: (text: string): boolean =>
    MULTI_STEP_PHRASES.test(text) ||
    inOrder(text, [/\bfirst\b/gi, /\bthen\b/gi], PAIR_WINDOW_CHARS) ||
    inOrder(text, [/\banaly[sz]e\b/gi, /\band\b/gi, /\bsummari[sz]e\b/gi], PAIR_WINDOW_CHARS),
  reasoning: (text: string): boolean =>
    /\b(?:why|how(?! are you| is it going| do you do)|solve|explain|explanation|compare|comparison|contrast|evaluate|assess|analy[sz]e|analysis|justify|reason(?:ing)? (?:about|through)|trade-?offs?|pros and cons|implications?|critique|diagnose|prove|derive|what would happen)\b/i.test(
      text,
    ),
  creative: (text: string): boolean =>
    /\b(?:write|create|generate|design|imagine|compose|draft|invent|brainstorm|story|poem|lyrics|slogan|tagline)\b/i.test(text),
  factual: (text: string): boolean =>
    /\b(?:what is|what are|what's|who is|who was|define|definition of|list|when did|when was|where is|how many|how much)\b/i.test(
      text,
    ),
} as const;

export type ComplexitySignal = keyof typeof SIGNAL_TESTS | "long";

/** Inputs above this many tokens raise complexity one level: long context is hard regardless of wording. */
export const LONG_INPUT_TOKENS = 2_000;

export interface ComplexityAssessment {
  complexity: Complexity;
  /** The signals that matched, in a fixed order: multiStep, reasoning, creative, factual, long. */
  signals: ComplexitySignal[];
}

const RAISED: Record<Complexity, Complexity> = { low: "medium", medium: "high", high: "high" };

/**
 * Seed rule: multi-step reasoning → high; creative or reasoning → medium; else low. Factual questions
 * are recorded as a signal but keep the request low.
 */
export function assessComplexity(text: string, estimatedInputTokens: number): ComplexityAssessment {
  const signals: ComplexitySignal[] = [];
  for (const [name, test] of Object.entries(SIGNAL_TESTS) as [keyof typeof SIGNAL_TESTS, (text: string) => boolean][]) {
    if (test(text)) signals.push(name);
  }
  const has = (name: ComplexitySignal): boolean => signals.includes(name);

  let complexity: Complexity = "low";
  if (has("multiStep") && has("reasoning")) complexity = "high";
  else if (has("creative") || has("reasoning")) complexity = "medium";

  if (estimatedInputTokens > LONG_INPUT_TOKENS) {
    signals.push("long");
    complexity = RAISED[complexity];
  }
  return { complexity, signals };
}
