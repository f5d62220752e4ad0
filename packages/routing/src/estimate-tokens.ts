import { countTokens } from "gpt-tokenizer";
import type { ChatMessage } from "@switchyard/contracts";

/**
 * OpenAI's chat accounting (openai-cookbook, "How to count tokens with tiktoken"): every message costs
 * 3 tokens of framing plus its role, a `name` costs 1 more, and every reply is primed with 3 tokens.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * Images are sent as URLs, so their size is unknown here. `low` detail is a flat 85 tokens at OpenAI;
 * `high`/`auto` is 85 + 170 per 512 px tile, counted as a 1024×1024 image (4 tiles = 765). The estimate
 * sizes context windows, so it leans high rather than low.
 */
export const IMAGE_TOKENS_LOW_DETAIL = 85;
export const IMAGE_TOKENS_HIGH_DETAIL = 765;

/** User text is counted as text: `<|endoftext|>` in a prompt must not make the tokenizer throw. */
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

/**
 * BPE merging is quadratic in the length of one pre-tokenized piece: 16k identical letters take ~150 ms
 * and a 1 MB run takes minutes. Runs of non-space characters longer than this are counted in slices,
 * which over-counts by at most one token per slice and keeps the hot path linear.
 */
const MAX_RUN_CHARS = 128;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN_CHARS + 1},}`, "g");

/**
 * Texts longer than this are counted on a head and a tail sample of half this size each, and the
 * tokens-per-character ratio is extrapolated over the rest. Exact counting of random-looking text costs
 * up to ~2.5 s of CPU per MB on the API's event loop; the sample bounds it, and a routing estimate does
 * not need the last token of a megabyte.
 */
export const EXACT_COUNT_MAX_CHARS = 32_768;

/** Tokens of a plain string in o200k_base (GPT-4o/4.1), safe for any input size. */
export function countTextTokens(text: string): number {
  if (text.length <= EXACT_COUNT_MAX_CHARS) return countExactly(text);
  const half = EXACT_COUNT_MAX_CHARS / 2;
  const sampled = countExactly(text.slice(0, half)) + countExactly(text.slice(-half));
  return Math.ceil((sampled / EXACT_COUNT_MAX_CHARS) * text.length);
}

function countExactly(text: string): number {
  if (text.length === 0) return 0;
  let total = 0;
  let last = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    const run = match[0];
    total += countTokens(text.slice(last, match.index), ENCODE_OPTIONS);
    let start = 0;
    while (start < run.length) {
      let end = Math.min(start + MAX_RUN_CHARS, run.length);
      // Never cut a surrogate pair in half.
      const lastCode = run.charCodeAt(end - 1);
      if (end < run.length && lastCode >= 0xd800 && lastCode <= 0xdbff) end += 1;
      total += countTokens(run.slice(start, end), ENCODE_OPTIONS);
      start = end;
    }
    last = match.index + run.length;
  }
  return total + countTokens(text.slice(last), ENCODE_OPTIONS);
}

function contentTokens(content: ChatMessage["content"]): number {
  if (content === null) return 0;
  if (typeof content === "string") return countTextTokens(content);
  let total = 0;
  for (const part of content) {
    if (part.type === "text") total += countTextTokens(part.text);
    else total += part.image_url.detail === "low" ? IMAGE_TOKENS_LOW_DETAIL : IMAGE_TOKENS_HIGH_DETAIL;
  }
  return total;
}

/**
 * Input tokens a chat request will cost, as OpenAI counts them. Other providers' tokenizers differ by
 * some percent; this is an estimate for routing (context-window fit, complexity), not for billing.
 */
export function estimateInputTokens(messages: readonly ChatMessage[]): number {
  if (messages.length === 0) return 0;
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role) + contentTokens(message.content);
    if (message.name !== undefined) total += TOKENS_PER_NAME + countTextTokens(message.name);
    if (message.tool_call_id !== undefined) total += countTextTokens(message.tool_call_id);
  }
  return total;
}
