import type { Redis } from "ioredis";
import { z } from "zod";
import { chatResultSchema, type ChatRequest, type ChatResult } from "@switchyard/contracts";
import { keyNames, type KeyNames } from "../key-names.js";
import { responseCacheKey } from "./response-cache-key.js";

export interface CachedResponse {
  result: ChatResult;
  /** The deployment that produced the result. */
  deploymentId: string;
  /** Whether that deployment is local/private, i.e. allowed to see requests that carry PII. */
  privateDeployment: boolean;
  storedAtMs: number;
}

const cachedResponseSchema = z.object({
  result: chatResultSchema,
  deploymentId: z.string().min(1),
  privateDeployment: z.boolean(),
  storedAtMs: z.number().int().nonnegative(),
}) satisfies z.ZodType<CachedResponse, unknown>;

export interface ResponseCacheOptions {
  ttlSeconds: number;
}

export interface ResponseCacheReadOptions {
  /** Only an entry produced by a private deployment may be served (PII requests). */
  privateOnly: boolean;
}

/**
 * Exact-match response cache: one JSON string per (tenant, request key), expiring after `ttlSeconds`.
 * Whether a request may use the cache, and which results deserve storing, is the caller's decision; this
 * class only stores and reads, validating what it reads.
 */
export class ResponseCache {
  private readonly keys: KeyNames;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly options: ResponseCacheOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
      throw new RangeError(`ResponseCache ttlSeconds must be a positive integer, got ${options.ttlSeconds}`);
    }
    this.keys = keyNames(prefix);
  }

  async get(tenant: string, request: ChatRequest, options: ResponseCacheReadOptions): Promise<CachedResponse | undefined> {
    const key = this.key(tenant, request);
    const text = await this.redis.get(key);
    if (text === null) return undefined;
    const entry = parseEntry(text);
    if (entry === undefined) {
      // An entry we cannot read is worth nothing, and would be a miss on every read until it expires.
      // A put racing this delete loses its entry: one more miss, never a wrong answer.
      await this.redis.del(key);
      return undefined;
    }
    // A hit is an answer: a request that only private deployments may answer may not be answered by what
    // a public deployment once produced, even for the same prompt. The entry stays for other readers.
    if (options.privateOnly && !entry.privateDeployment) return undefined;
    return entry;
  }

  async put(tenant: string, request: ChatRequest, entry: Omit<CachedResponse, "storedAtMs">): Promise<void> {
    // The provider's rate-limit reading describes that moment's budget; replaying it from the cache later
    // would report a stale budget as current.
    const { rateLimit: _staleRateLimit, ...result } = entry.result;
    const stored: CachedResponse = { ...entry, result, storedAtMs: this.now() };
    await this.redis.set(this.key(tenant, request), JSON.stringify(stored), "EX", this.options.ttlSeconds);
  }

  private key(tenant: string, request: ChatRequest): string {
    return this.keys.responseCache(tenant, responseCacheKey(tenant, request));
  }
}

function parseEntry(text: string): CachedResponse | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = cachedResponseSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
