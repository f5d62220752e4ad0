import type { Logger } from "@switchyard/logging";
import { isUsable, parseApiKey, type ApiKeyStore, type StoredApiKey } from "@switchyard/queue";
import { SCOPES, type Principal, type Scope } from "./principal.js";

/** How long a verified key is trusted without asking Redis again; a revocation takes effect within this long. */
export const KEY_CACHE_TTL_MS = 5_000;
/** `lastUsedAtMs` is written at most this often per key and process: a write per request would double the cost. */
const TOUCH_INTERVAL_MS = 60_000;
/** Only valid keys are cached, so the map is bounded by the number of keys in use; this caps it anyway. */
const CACHE_MAX_ENTRIES = 10_000;

const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPES);

export function principalOfKey(stored: Pick<StoredApiKey, "id" | "tenant" | "scopes">): Principal {
  return { keyId: stored.id, tenant: stored.tenant, scopes: stored.scopes.filter((scope): scope is Scope => KNOWN_SCOPES.has(scope)) };
}

/**
 * Verifies tenant API keys on the hot path: one HGETALL per key per `KEY_CACHE_TTL_MS` and process. Only positive
 * lookups are cached (with the stored hash, so every request's secret is still compared, in constant time); an
 * unknown, wrong or revoked key always goes to Redis. The cost of the cache is documented: a revoked key keeps
 * working for at most `KEY_CACHE_TTL_MS` on processes that verified it just before.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { stored: StoredApiKey; expiresAtMs: number }>();
  private readonly touchedAtMs = new Map<string, number>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly cacheTtlMs = KEY_CACHE_TTL_MS,
  ) {}

  /** The key's principal, or undefined for a key that is malformed, unknown, wrong or revoked. Rejects when Redis fails. */
  async verify(presented: string): Promise<Principal | undefined> {
    const parts = parseApiKey(presented);
    if (!parts) return undefined;
    const nowMs = this.now();
    let stored = this.cached(parts.keyId, nowMs);
    if (!stored) {
      stored = await this.store.find(parts.keyId);
      if (!stored || !isUsable(stored, parts.secret)) return undefined;
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(parts.keyId, { stored, expiresAtMs: nowMs + this.cacheTtlMs });
    } else if (!isUsable(stored, parts.secret)) {
      return undefined;
    }
    this.touch(stored.id, nowMs);
    return principalOfKey(stored);
  }

  private cached(keyId: string, nowMs: number): StoredApiKey | undefined {
    const entry = this.cache.get(keyId);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.cache.delete(keyId);
      return undefined;
    }
    return entry.stored;
  }

  private touch(keyId: string, nowMs: number): void {
    const last = this.touchedAtMs.get(keyId);
    if (last !== undefined && nowMs - last < TOUCH_INTERVAL_MS) return;
    if (this.touchedAtMs.size >= CACHE_MAX_ENTRIES) this.touchedAtMs.clear();
    this.touchedAtMs.set(keyId, nowMs);
    // Bookkeeping only: a failed write must not fail the request.
    this.store.touch(keyId, nowMs).catch((error: unknown) => this.logger.debug({ err: error, keyId }, "could not record key use"));
  }
}
