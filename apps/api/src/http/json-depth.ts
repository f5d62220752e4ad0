import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./api-error.js";

/**
 * How deeply a request body's JSON may nest. Real bodies (chat messages, a tool's JSON Schema) stay far below it;
 * a deeper one is abuse: V8's JSON.stringify overflows the stack at a few thousand levels, which would turn a
 * caller's body into a 5xx when the record is written.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of `[`/`{` outside strings in a JSON text (bytes ≥ 0x80 of UTF-8 never match ASCII). */
export function jsonDepth(bytes: Uint8Array, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** `express.json`'s `verify` hook: one pass over the raw bytes before parsing, so a deep body is a 400. */
export function rejectDeepJson(maxDepth = MAX_JSON_DEPTH) {
  return (_request: IncomingMessage, _response: ServerResponse, body: Buffer): void => {
    if (jsonDepth(body, maxDepth) > maxDepth) {
      throw ApiError.badRequest(`request body nests deeper than ${maxDepth} levels`, null, "json_too_deep");
    }
  };
}
