import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** SWITCHYARD_ADMIN_KEY if set, else a key generated once and kept in the project-local state folder. */
export function resolveAdminKey(env: Record<string, string | undefined>, file: string): string {
  if (env.SWITCHYARD_ADMIN_KEY) return env.SWITCHYARD_ADMIN_KEY;
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (saved.length >= 16) return saved;
  }
  const key = `sy_admin_${randomBytes(18).toString("base64url")}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
