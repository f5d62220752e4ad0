import type { Redis } from "ioredis";
import type { RequestStreamEntry } from "@switchyard/contracts";

/** The field an entry's JSON is stored under (one field: the entry is one document). */
export const REQUEST_STREAM_FIELD = "e";

export interface RequestStreamLimits {
  /** Approximate cap on entries (`XADD MAXLEN ~`): a runaway answer cannot grow a stream without bound. */
  maxLength: number;
  /**
   * The stream expires this long after its last write. It only has to outlive the relay: the answer itself is kept
   * on the request record.
   */
  ttlSeconds: number;
}

export const DEFAULT_REQUEST_STREAM_LIMITS: RequestStreamLimits = { maxLength: 10_000, ttlSeconds: 600 };

/**
 * Appends one provider call's entries to a request's stream. Appends are not awaited one by one: they go out on
 * the connection in order, and `flush` waits for the last and reports the first failure. A lost
 * entry costs the caller part of a streamed answer, never the request: the record is written separately.
 */
export class RequestStreamWriter {
  private last: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private expirySet = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly limits: RequestStreamLimits,
  ) {}

  append(entry: RequestStreamEntry): void {
    const added = this.redis.xadd(this.key, "MAXLEN", "~", this.limits.maxLength, "*", REQUEST_STREAM_FIELD, JSON.stringify(entry));
    const writes: Promise<unknown>[] = [added];
    // After the first XADD (EXPIRE on a missing key does nothing), and again with the final entry, so the stream
    // outlives a long answer by the full TTL.
    const final = entry.kind !== "event";
    if (!this.expirySet || final) {
      this.expirySet = true;
      writes.push(this.redis.expire(this.key, this.limits.ttlSeconds));
    }
    this.last = Promise.all(writes).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  /** Resolves once every append so far reached Redis; rejects with the first failure, if any. */
  async flush(): Promise<void> {
    await this.last;
    if (this.failure !== undefined) throw this.failure;
  }
}
