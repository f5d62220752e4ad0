import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** Lua scripts live in `lua/`, named `<command>-<number of keys>.lua` like BullMQ's. */
function loadScript(fileName: string): string {
  return readFileSync(new URL(`../lua/${fileName}`, import.meta.url), "utf8");
}

export interface SwitchyardScripts {
  updateRequest(keys: [string, string], args: (string | number)[]): Promise<number>;
  finishRequest(keys: [string, string], args: (string | number)[]): Promise<number>;
}

const SCRIPTS = {
  updateRequest: "update-request-2.lua",
  finishRequest: "finish-request-2.lua",
} as const;

/** Registers the scripts on a connection (EVALSHA with automatic EVAL fallback, via ioredis). */
export function defineScripts(redis: Redis): SwitchyardScripts {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 2, lua: loadScript(file) });
  }
  const commands = redis as unknown as Record<keyof typeof SCRIPTS, (...args: (string | number)[]) => Promise<number>>;
  return {
    updateRequest: (keys, args) => commands.updateRequest(...keys, ...args),
    finishRequest: (keys, args) => commands.finishRequest(...keys, ...args),
  };
}
