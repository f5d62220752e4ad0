import { createHash } from "node:crypto";
import type { Request } from "express";
import type { IdempotencyKeys, SettledIdempotencyEntry } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotent-replayed";
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Printable ASCII only: a key is an opaque token the caller made up (a UUID, an order number). */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** How long a duplicate waits for the first submission of its key to finish before it is told to retry. */
const WAIT_FOR_PENDING_MS = 5_000;
const POLL_PENDING_MS = 20;

/** The `Idempotency-Key` header, validated, or undefined when the caller sent none. */
export function readIdempotencyKey(request: Request): string | undefined {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return undefined;
  // Node joins repeated headers it does not know with ", "; a key sent twice is ambiguous.
  if (Array.isArray(value) || (value.includes(", ") && request.rawHeaders.filter((name) => name.toLowerCase() === IDEMPOTENCY_HEADER).length > 1)) {
    throw ApiError.badRequest("send one Idempotency-Key header, not several", "Idempotency-Key", "invalid_idempotency_key");
  }
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !PRINTABLE_ASCII.test(value)) {
    throw ApiError.badRequest(
      `Idempotency-Key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
      "Idempotency-Key",
      "invalid_idempotency_key",
    );
  }
  return value;
}

/** JSON with object keys sorted at every depth, so two bodies that differ only in key order or spacing match. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What makes two submissions "the same request": the parsed body (canonical JSON) and the client format. */
export function requestFingerprint(format: string, body: unknown): string {
  return createHash("sha256").update(format).update("\n").update(canonicalJson(body)).digest("base64url");
}

export interface IdempotentAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
  /** True when this is the stored answer to an earlier submission with the same key. */
  replayed: boolean;
}

function replay(entry: SettledIdempotencyEntry, fingerprint: string): IdempotentAnswer {
  if (entry.fingerprint !== fingerprint) throw keyReused();
  return { httpStatus: entry.httpStatus, body: entry.body, replayed: true };
}

function keyReused(): ApiError {
  return new ApiError(
    422,
    "invalid_request_error",
    "this Idempotency-Key was already used with a different request body; use a new key for a new request",
    "idempotency_key_reused",
    "Idempotency-Key",
  );
}

function storageUnavailable(): never {
  throw ApiError.unavailable("storage is unavailable; the request was not accepted, retry later");
}

/**
 * Runs `submit` at most once per (tenant, key): the first caller claims the key and stores its answer; a later
 * caller with the same body gets that answer back, one with another body a 422. A duplicate that arrives while
 * the first is still submitting waits for it (milliseconds, normally) and then gets the same answer. A submission
 * that fails (429, 503, ...) releases the key, so the caller's retry runs.
 */
export async function submitIdempotently(
  keys: IdempotencyKeys,
  scope: { tenant: string; key: string; fingerprint: string },
  submit: () => Promise<{ requestId: string; httpStatus: number; body: Record<string, unknown> }>,
): Promise<IdempotentAnswer> {
  const deadline = Date.now() + WAIT_FOR_PENDING_MS;
  for (;;) {
    const outcome = await keys.claim(scope.tenant, scope.key, scope.fingerprint).catch(storageUnavailable);
    if (outcome.kind === "claimed") {
      let answer: Awaited<ReturnType<typeof submit>>;
      try {
        answer = await submit();
      } catch (error) {
        await keys.release(outcome.claim).catch(() => undefined);
        throw error;
      }
      // If this fails the request stands (it was accepted); only the replay is lost, after the pending TTL.
      await keys.settle(outcome.claim, answer).catch(() => false);
      return { httpStatus: answer.httpStatus, body: answer.body, replayed: false };
    }
    const { entry } = outcome;
    if (entry.fingerprint !== scope.fingerprint) throw keyReused();
    if (entry.state === "settled") return replay(entry, scope.fingerprint);
    if (Date.now() >= deadline) {
      throw new ApiError(
        409,
        "invalid_request_error",
        "a request with this Idempotency-Key is still being submitted; retry shortly",
        "idempotency_key_in_use",
        "Idempotency-Key",
        { "retry-after": "1" },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_PENDING_MS));
  }
}
