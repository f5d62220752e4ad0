import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { keyNames, type KeyNames } from "../key-names.js";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";

/**
 * What an Idempotency-Key holds: `pending` while its first submission runs (with a short TTL, so a process that
 * dies mid-way frees the key), then `settled` with the answer that submission got, for the key's lifetime.
 */
export const idempotencyEntrySchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("pending"), token: z.string(), fingerprint: z.string() }),
  z.object({
    state: z.literal("settled"),
    fingerprint: z.string(),
    requestId: z.string(),
    /** The HTTP status and JSON body of the original answer, replayed verbatim. */
    httpStatus: z.number().int(),
    body: z.record(z.string(), z.unknown()),
  }),
]);
export type IdempotencyEntry = z.infer<typeof idempotencyEntrySchema>;
export type SettledIdempotencyEntry = Extract<IdempotencyEntry, { state: "settled" }>;

/** A claim the caller holds: it settles it with the answer, or releases it if the submission failed. */
export interface IdempotencyClaim {
  readonly redisKey: string;
  readonly pendingText: string;
  readonly fingerprint: string;
}

export type ClaimOutcome = { kind: "claimed"; claim: IdempotencyClaim } | { kind: "taken"; entry: IdempotencyEntry };

export interface IdempotencyKeysOptions {
  /** How long a settled key is remembered (24 h by default, config `api.idempotency.ttlSeconds`). */
  ttlSeconds: number;
  /** How long a claim may stay pending before the key is free again (a crashed submitter's claim). */
  pendingTtlMs: number;
}

/**
 * Idempotency-Key entries per tenant in Redis. Claiming is atomic (one Lua script: read, or write `pending` if
 * absent), so concurrent duplicates cannot both submit; settling and releasing compare the claim first, so a claim
 * that expired and was taken over is never overwritten.
 */
export class IdempotencyKeys {
  private readonly keys: KeyNames;
  private readonly scripts: SwitchyardScripts;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly options: IdempotencyKeysOptions,
  ) {
    this.keys = keyNames(prefix);
    this.scripts = defineScripts(redis);
  }

  /** Claims `key` for `tenant`, or returns what it holds. `fingerprint` identifies the request body. */
  async claim(tenant: string, key: string, fingerprint: string): Promise<ClaimOutcome> {
    // Hashed: the caller's key may be 255 characters of anything printable; the Redis key stays short and safe.
    const redisKey = this.keys.idempotencyKey(tenant, createHash("sha256").update(key).digest("hex"));
    const pendingText = JSON.stringify({ state: "pending", token: randomUUID(), fingerprint } satisfies IdempotencyEntry);
    const reply = await this.scripts.idempotencyClaim([redisKey], [pendingText, this.options.pendingTtlMs]);
    if (reply[0] === 1) return { kind: "claimed", claim: { redisKey, pendingText, fingerprint } };
    return { kind: "taken", entry: idempotencyEntrySchema.parse(JSON.parse(reply[1])) };
  }

  /** Stores the answer for the key's lifetime; false if the claim had expired (the answer is not remembered). */
  async settle(claim: IdempotencyClaim, answer: { requestId: string; httpStatus: number; body: Record<string, unknown> }): Promise<boolean> {
    const entry: IdempotencyEntry = { state: "settled", fingerprint: claim.fingerprint, ...answer };
    const code = await this.scripts.idempotencySettle([claim.redisKey], [claim.pendingText, JSON.stringify(entry), this.options.ttlSeconds]);
    return code === 1;
  }

  /** Frees the key after a submission that was not accepted, so the caller's retry with the same key can run. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.scripts.idempotencySettle([claim.redisKey], [claim.pendingText, "", this.options.ttlSeconds]);
  }
}
