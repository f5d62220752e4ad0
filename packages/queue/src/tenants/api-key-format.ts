import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A tenant API key as the caller holds it: `sy_<key id>_<secret>`. The id (16 hex characters) finds the stored key
 * in one lookup; the secret (32 random bytes, base64url) is checked against its stored SHA-256. A fast unsalted hash
 * is enough for 256 random bits (nothing to brute-force from a leaked hash), and keeps verification cheap on the
 * hot path.
 */
const API_KEY_PATTERN = /^sy_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyParts {
  keyId: string;
  secret: string;
}

export function newApiKeyParts(): ApiKeyParts {
  return { keyId: randomBytes(8).toString("hex"), secret: randomBytes(32).toString("base64url") };
}

export function formatApiKey(parts: ApiKeyParts): string {
  return `sy_${parts.keyId}_${parts.secret}`;
}

/** The id and secret of a presented key, or undefined when it is not shaped like one of ours. */
export function parseApiKey(presented: string): ApiKeyParts | undefined {
  const match = API_KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  return { keyId: match[1]!, secret: match[2]! };
}

export function secretSha256(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Constant-time comparison of a presented secret with a stored SHA-256 (hex). */
export function secretMatches(secret: string, storedSha256: string): boolean {
  const given = createHash("sha256").update(secret).digest();
  const stored = Buffer.from(storedSha256, "hex");
  return stored.length === given.length && timingSafeEqual(given, stored);
}
