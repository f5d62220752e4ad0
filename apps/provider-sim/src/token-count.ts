import { countTokens, decode, encode } from "gpt-tokenizer";

// Prompts are user text: `<|endoftext|>` in one is plain text, not a reason to throw.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Texts longer than this are counted exactly up to here and estimated (4 characters a token) beyond, so one
 * megabyte prompt cannot stall the event loop that serves thousands of other requests.
 */
const EXACT_COUNT_MAX_CHARS = 64_000;
const CHARS_PER_TOKEN_ESTIMATE = 4;

// Benchmarks send the same few prompts thousands of times; BPE is the largest per-request cost after I/O.
const COUNT_CACHE_MAX_ENTRIES = 5_000;
const COUNT_CACHE_MAX_CHARS = 4_000;
const countCache = new Map<string, number>();

export function countTextTokens(text: string): number {
  if (text.length <= COUNT_CACHE_MAX_CHARS) {
    let count = countCache.get(text);
    if (count === undefined) {
      count = countTokens(text, PLAIN_TEXT);
      if (countCache.size >= COUNT_CACHE_MAX_ENTRIES) countCache.clear();
      countCache.set(text, count);
    }
    return count;
  }
  if (text.length <= EXACT_COUNT_MAX_CHARS) return countTokens(text, PLAIN_TEXT);
  const exact = countTokens(text.slice(0, EXACT_COUNT_MAX_CHARS), PLAIN_TEXT);
  return exact + Math.ceil((text.length - EXACT_COUNT_MAX_CHARS) / CHARS_PER_TOKEN_ESTIMATE);
}

export function encodeText(text: string): number[] {
  return encode(text, PLAIN_TEXT);
}

export function decodeTokens(tokens: readonly number[]): string {
  return decode(tokens);
}

// OpenAI's accounting (openai-cookbook, "How to count tokens"): every message costs 3 tokens of framing plus
// its role and content, a name costs 1 more, and the reply is primed with 3.
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;
/** What OpenAI bills for a low-detail image; the simulator never looks at images. */
const TOKENS_PER_IMAGE = 85;

export interface CountableMessage {
  content?: string | ReadonlyArray<{ type: string; text?: string | undefined }> | null | undefined;
  name?: string | undefined;
}

export function countPromptTokens(messages: readonly CountableMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE;
    if (message.name !== undefined) total += TOKENS_PER_NAME + countTextTokens(message.name);
    const content = message.content;
    if (typeof content === "string") {
      total += countTextTokens(content);
    } else if (content) {
      for (const part of content) {
        total += part.text !== undefined ? countTextTokens(part.text) : TOKENS_PER_IMAGE;
      }
    }
  }
  return total;
}

/** Tool definitions count as prompt: their JSON text is a fair estimate of what the provider injects. */
export function countJsonTokens(value: unknown): number {
  return value === undefined ? 0 : countTextTokens(JSON.stringify(value));
}
