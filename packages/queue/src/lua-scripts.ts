import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** Lua scripts live in `lua/`, named `<command>-<number of keys>.lua` like BullMQ's. */
function loadScript(fileName: string): string {
  return readFileSync(new URL(`../lua/${fileName}`, import.meta.url), "utf8");
}

export interface SwitchyardScripts {
  createRequest(keys: [string], args: (string | number)[]): Promise<number>;
  updateRequest(keys: [string, string], args: (string | number)[]): Promise<number>;
  finishRequest(keys: [string, string], args: (string | number)[]): Promise<number>;
}

const SCRIPTS = {
  createRequest: "create-request-1.lua",
  updateRequest: "update-request-2.lua",
  finishRequest: "finish-request-2.lua",
} as const;

/** Registers the scripts on a connection (EVALSHA with automatic EVAL fallback, via ioredis). */
export function defineScripts(redis: Redis): SwitchyardScripts {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua: loadScript(file) });
  }
  const commands = redis as unknown as Record<keyof typeof SCRIPTS, (...args: (string | number)[]) => Promise<number>>;
  return {
    createRequest: (keys, args) => commands.createRequest(...keys, ...args),
    updateRequest: (keys, args) => commands.updateRequest(...keys, ...args),
    finishRequest: (keys, args) => commands.finishRequest(...keys, ...args),
  };
}
