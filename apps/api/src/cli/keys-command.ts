import { parseArgs } from "node:util";
import type { ApiKeyInfo, ApiKeyStore } from "@switchyard/queue";
import { ApiKeyError } from "@switchyard/queue";
import { SCOPES, type Scope } from "../auth/principal.js";

export const KEYS_COMMANDS: readonly string[] = ["create", "list", "revoke"];

export const KEYS_USAGE = `Usage: switchyard-keys <command> [options]   (also: node apps/api/dist/cli/main.js keys <command>, pnpm keys <command>)

Commands:
  create --tenant <tenant> --scopes <submit,read,admin> [--name <name>] [--json]
      Creates a key and prints its secret once: store it now, it cannot be shown again.
  list [--tenant <tenant>] [--json]
      Lists keys (never their secrets): id, tenant, scopes, name, created, last used, revoked.
  revoke <key id>
      Revokes a key for good (API processes may accept it for up to 5 more seconds).

Talks to Redis directly: REDIS_URL, SWITCHYARD_REDIS_PREFIX and SWITCHYARD_CONFIG as for the API.`;

/** Where the command writes; injected so it can be run in-process. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

function parseScopes(text: string | undefined): Scope[] {
  if (!text) throw new UsageError("--scopes is required, e.g. --scopes submit,read");
  const scopes = text.split(",").map((scope) => scope.trim()).filter(Boolean);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) throw new UsageError(`unknown scope(s) ${unknown.join(", ")}; choose from ${SCOPES.join(", ")}`);
  if (scopes.length === 0) throw new UsageError("--scopes needs at least one scope");
  return scopes as Scope[];
}

function formatTime(ms: number | undefined): string {
  return ms === undefined ? "-" : new Date(ms).toISOString();
}

function formatTable(keys: ApiKeyInfo[]): string {
  const rows = [
    ["ID", "TENANT", "SCOPES", "NAME", "CREATED", "LAST USED", "REVOKED"],
    ...keys.map((key) => [key.id, key.tenant, key.scopes.join(","), key.name || "-", formatTime(key.createdAtMs), formatTime(key.lastUsedAtMs), formatTime(key.revokedAtMs)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

/** `keys <command>`: create, list or revoke tenant API keys. Resolves to the process exit code. */
export async function runKeysCommand(args: string[], store: ApiKeyStore, output: CommandOutput): Promise<number> {
  const [command, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      tenant: { type: "string" },
      scopes: { type: "string" },
      name: { type: "string" },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  switch (command) {
    case "create": {
      if (!values.tenant) throw new UsageError("--tenant is required");
      const scopes = parseScopes(values.scopes);
      let created;
      try {
        created = await store.create({ tenant: values.tenant, scopes, name: values.name ?? "" });
      } catch (error) {
        if (error instanceof ApiKeyError) throw new UsageError(error.message);
        throw error;
      }
      if (values.json) {
        output.out(JSON.stringify({ ...created.info, key: created.key }));
      } else {
        output.out(`Created API key ${created.info.id} for tenant ${created.info.tenant} (scopes: ${created.info.scopes.join(", ")}).`);
        output.out("The key is shown this once; store it now:");
        output.out(created.key);
      }
      return 0;
    }
    case "list": {
      const keys = await store.list(values.tenant);
      output.out(values.json ? JSON.stringify(keys) : keys.length === 0 ? "No API keys." : formatTable(keys));
      return 0;
    }
    case "revoke": {
      const id = positionals[0];
      if (!id) throw new UsageError("revoke needs a key id (see `list`)");
      const outcome = /^[0-9a-f]{16}$/.test(id) ? await store.revoke(id) : "missing";
      if (outcome === "missing") {
        output.err(`No API key ${id}.`);
        return 1;
      }
      output.out(outcome === "revoked" ? `Revoked API key ${id}.` : `API key ${id} was already revoked.`);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : "a command is required");
  }
}
