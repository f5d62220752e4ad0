import type { Redis } from "ioredis";
import { z } from "zod";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";
import { formatApiKey, newApiKeyParts, secretMatches, secretSha256 } from "./api-key-format.js";
import { TENANT_NAME_PATTERN, tenantKeyNames, type TenantKeyNames } from "./tenant-key-names.js";

/** A key as listed: everything but the secret and its hash. Scopes are free strings here; the API gives them meaning. */
export interface ApiKeyInfo {
  id: string;
  tenant: string;
  scopes: string[];
  name: string;
  createdAtMs: number;
  lastUsedAtMs?: number;
  revokedAtMs?: number;
}

/** A key as stored, for verification: the info plus the SHA-256 of its secret. Never leaves the process. */
export interface StoredApiKey extends ApiKeyInfo {
  secretSha256: string;
}

export interface NewApiKey {
  tenant: string;
  scopes: readonly string[];
  name: string;
}

export class ApiKeyError extends Error {
  override readonly name = "ApiKeyError";
  constructor(
    readonly kind: "invalid_tenant" | "invalid_name" | "no_scopes",
    message: string,
  ) {
    super(message);
  }
}

const storedKeySchema = z.object({
  tenant: z.string(),
  scopes: z.string().transform((text) => (text === "" ? [] : text.split(","))),
  name: z.string(),
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAtMs: z.coerce.number().int(),
  lastUsedAtMs: z.coerce.number().int().optional(),
  revokedAtMs: z.coerce.number().int().optional(),
});

const KEY_NAME_MAX_LENGTH = 128;

/**
 * Tenant API keys in Redis, stored hashed: the secret is returned once, by `create`, and only its SHA-256 is kept.
 * `find` is one HGETALL, so verifying a key costs one round trip (the API caches positive lookups for a few seconds).
 * Revoked keys stay stored with their revocation time and are refused by `verify`.
 */
export class ApiKeyStore {
  private readonly keys: TenantKeyNames;
  private readonly scripts: SwitchyardScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = tenantKeyNames(prefix);
    this.scripts = defineScripts(redis);
  }

  /** Stores a new key and returns it with its full secret, which is never readable again. */
  async create(request: NewApiKey): Promise<{ key: string; info: ApiKeyInfo }> {
    if (!TENANT_NAME_PATTERN.test(request.tenant)) {
      throw new ApiKeyError("invalid_tenant", "tenant must be 1-64 characters of letters, digits, '_', '.', '-'");
    }
    if (request.name.length > KEY_NAME_MAX_LENGTH) throw new ApiKeyError("invalid_name", `name must be at most ${KEY_NAME_MAX_LENGTH} characters`);
    if (request.scopes.length === 0) throw new ApiKeyError("no_scopes", "a key needs at least one scope");
    const scopes = [...new Set(request.scopes)];
    const createdAtMs = this.now();
    // 64 random bits of id: a collision is astronomically unlikely, and the script refuses one anyway.
    for (;;) {
      const parts = newApiKeyParts();
      const created = await this.scripts.apiKeyCreate(
        [this.keys.apiKey(parts.keyId), this.keys.tenantApiKeys(request.tenant), this.keys.allApiKeys()],
        [
          parts.keyId,
          "tenant", request.tenant,
          "scopes", scopes.join(","),
          "name", request.name,
          "secretSha256", secretSha256(parts.secret),
          "createdAtMs", createdAtMs,
        ],
      );
      if (created === 1) {
        return { key: formatApiKey(parts), info: { id: parts.keyId, tenant: request.tenant, scopes, name: request.name, createdAtMs } };
      }
    }
  }

  /** The stored key (with its hash, for verification), or undefined. One round trip. */
  async find(keyId: string): Promise<StoredApiKey | undefined> {
    const hash = await this.redis.hgetall(this.keys.apiKey(keyId));
    if (!hash.secretSha256) return undefined;
    return { id: keyId, ...storedKeySchema.parse(hash) };
  }

  /** The key when `secret` is its secret and it is not revoked; otherwise undefined. */
  async verify(keyId: string, secret: string): Promise<StoredApiKey | undefined> {
    const stored = await this.find(keyId);
    return stored && isUsable(stored, secret) ? stored : undefined;
  }

  /** Every key of `tenant` (or of every tenant), oldest first, without secrets or hashes. */
  async list(tenant?: string): Promise<ApiKeyInfo[]> {
    const ids = await this.redis.smembers(tenant === undefined ? this.keys.allApiKeys() : this.keys.tenantApiKeys(tenant));
    const found = await Promise.all(ids.map((id) => this.find(id)));
    return found
      .filter((key): key is StoredApiKey => key !== undefined)
      .map(withoutHash)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
  }

  /** The key's info, without hash, or undefined. */
  async info(keyId: string): Promise<ApiKeyInfo | undefined> {
    const stored = await this.find(keyId);
    return stored && withoutHash(stored);
  }

  async revoke(keyId: string): Promise<"revoked" | "already_revoked" | "missing"> {
    const code = await this.scripts.apiKeyRevoke([this.keys.apiKey(keyId)], [this.now()]);
    return code === 1 ? "revoked" : code === 0 ? "already_revoked" : "missing";
  }

  /** Records when a key was last used. Keys are never deleted, so this never recreates a removed one. */
  async touch(keyId: string, atMs: number): Promise<void> {
    await this.redis.hset(this.keys.apiKey(keyId), "lastUsedAtMs", atMs);
  }
}

/** Whether a stored key accepts `secret` right now (not revoked, secret matches), in constant time for the secret. */
export function isUsable(stored: StoredApiKey, secret: string): boolean {
  const matches = secretMatches(secret, stored.secretSha256);
  return matches && stored.revokedAtMs === undefined;
}

function withoutHash(stored: StoredApiKey): ApiKeyInfo {
  const { secretSha256: _hash, ...info } = stored;
  return info;
}
