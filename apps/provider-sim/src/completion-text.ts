import { createSeededRandom, hashString, type RandomSource } from "./random-source.js";
import { decodeTokens, encodeText } from "./token-count.js";

export interface CompletionTextOptions {
  model: string;
  /** The last user message: the completion is about it. */
  prompt: string;
  /** Distinguishes the choices of one request (`n` > 1). */
  choiceIndex?: number;
  maxTokens?: number;
  stop?: readonly string[];
}

export interface CompletionText {
  content: string;
  completionTokens: number;
  finishReason: "stop" | "length";
  /** The stop sequence that ended the text, when one did (Anthropic reports it). */
  stopSequence?: string;
}

const OPENERS = [
  "Here is a short answer about {topic}.",
  "Good question about {topic}.",
  "Let's look at {topic} step by step.",
  "In brief, {topic} comes down to a few points.",
  "There are a couple of things worth knowing about {topic}.",
];
const BODY = [
  "The key idea behind {a} is that the right choice depends on context and constraints.",
  "A practical approach is to start small, measure, and iterate on {a}.",
  "Most problems with {a} come from unclear requirements rather than hard technical limits.",
  "When {a} meets {b}, the trade-offs are usually cost, speed, and quality.",
  "It helps to write down your assumptions about {b} before deciding anything.",
  "Simple designs for {a} tend to age better than clever ones.",
  "Consider how {b} fails first; the happy path usually takes care of itself.",
  "Small, concrete examples make {a} much easier to reason about.",
  "Keep an eye on {b}, because it is where surprises tend to appear.",
  "If {a} feels complicated, split it into parts you can check one at a time.",
];
const CLOSERS = [
  "I hope this helps; ask if you want more detail on {a}.",
  "In summary, focus on {a} first and revisit {b} later.",
  "Let me know if you would like a worked example.",
  "That should give you a solid starting point.",
];
const STOPWORDS = new Set(
  "about above after again also because been before being below between could does doing during each every from have having here into just like more most much need only other over please same should some such than that their them then there these they this those through under until very what when where which while will with would write your yours explain tell give make".split(
    " ",
  ),
);
const TOPIC_SCAN_MAX_CHARS = 2_000;

/**
 * Deterministic, plausible assistant text: the phrases are picked by a hash of (model, prompt, choice), and the
 * topic words are taken from the prompt, so the same request always gets the same answer.
 */
export function generateCompletionText(options: CompletionTextOptions): CompletionText {
  const full = fullText(options.model, options.prompt, options.choiceIndex ?? 0);
  let content = full.text;
  let tokens = full.tokens;

  const stopAt = firstStop(content, options.stop);
  if (stopAt !== undefined) {
    content = content.slice(0, stopAt.index);
    tokens = encodeText(content);
  }
  if (options.maxTokens !== undefined && tokens.length > options.maxTokens) {
    tokens = tokens.slice(0, options.maxTokens);
    return { content: decodeTokens(tokens), completionTokens: tokens.length, finishReason: "length" };
  }
  const text: CompletionText = { content, completionTokens: tokens.length, finishReason: "stop" };
  if (stopAt !== undefined) text.stopSequence = stopAt.sequence;
  return text;
}

interface FullText {
  text: string;
  /** Read-only: shared by every request that hits the cache. */
  tokens: readonly number[];
}

// Many requests in a benchmark share prompts; the untruncated text and its tokens are worth remembering.
const TEXT_CACHE_MAX_ENTRIES = 2_000;
const TEXT_CACHE_MAX_PROMPT_CHARS = 4_000;
const textCache = new Map<string, FullText>();

function fullText(model: string, prompt: string, choiceIndex: number): FullText {
  const key = `${model}\u0000${choiceIndex}\u0000${prompt}`;
  const cacheable = prompt.length <= TEXT_CACHE_MAX_PROMPT_CHARS;
  if (cacheable) {
    const cached = textCache.get(key);
    if (cached !== undefined) return cached;
  }
  const text = composeText(createSeededRandom(hashString(key)), topicWords(prompt));
  const full: FullText = { text, tokens: encodeText(text) };
  if (cacheable) {
    if (textCache.size >= TEXT_CACHE_MAX_ENTRIES) textCache.clear();
    textCache.set(key, full);
  }
  return full;
}

function composeText(random: RandomSource, words: string[]): string {
  // "exponential backoff retries" → topic, a = "exponential backoff", b = "retries".
  const topic = words.length === 0 ? "your question" : words.join(" ");
  const a = words.length === 0 ? "this" : words.slice(0, 2).join(" ");
  const b = words.at(-1) ?? "the details";
  const fill = (template: string) => template.replaceAll("{topic}", topic).replaceAll("{a}", a).replaceAll("{b}", b);

  const bodyCount = 2 + Math.floor(random() * 4);
  const remaining = [...BODY];
  const sentences = [fill(pick(OPENERS, random))];
  for (let index = 0; index < bodyCount; index++) {
    sentences.push(fill(remaining.splice(Math.floor(random() * remaining.length), 1)[0] ?? ""));
  }
  sentences.push(fill(pick(CLOSERS, random)));
  return sentences.join(" ");
}

function pick(phrases: readonly string[], random: RandomSource): string {
  return phrases[Math.floor(random() * phrases.length)] ?? "";
}

/** Up to three distinct content words from the start of the prompt, in order of appearance. */
function topicWords(prompt: string): string[] {
  const candidates = prompt.slice(0, TOPIC_SCAN_MAX_CHARS).toLowerCase().match(/[a-z][a-z0-9-]{3,}/g) ?? [];
  const words: string[] = [];
  for (const candidate of candidates) {
    if (STOPWORDS.has(candidate) || words.includes(candidate)) continue;
    words.push(candidate);
    if (words.length === 3) break;
  }
  return words;
}

function firstStop(text: string, stop: readonly string[] | undefined): { index: number; sequence: string } | undefined {
  let first: { index: number; sequence: string } | undefined;
  for (const sequence of stop ?? []) {
    if (sequence === "") continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && (first === undefined || index < first.index)) first = { index, sequence };
  }
  return first;
}
