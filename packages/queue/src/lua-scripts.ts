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
  /** {1, probe 0|1, "" | "half_opened"} when allowed, {0, "open" | "half_open", retryAtMs} when refused. */
  breakerAdmit(keys: [string], args: (string | number)[]): Promise<[1, 0 | 1, string] | [0, string, number]>;
  /** The transition ("opened" | "closed" | "reopened"), or "" when the state did not change. */
  breakerRecord(keys: [string], args: (string | number)[]): Promise<string>;
  /** The transition ("opened" | "reopened"), or "" when the circuit was already open. */
  breakerTrip(keys: [string], args: (string | number)[]): Promise<string>;
}

const SCRIPTS = {
  createRequest: "create-request-1.lua",
  updateRequest: "update-request-2.lua",
  finishRequest: "finish-request-2.lua",
  breakerAdmit: "breaker-admit-1.lua",
  breakerRecord: "breaker-record-1.lua",
  breakerTrip: "breaker-trip-1.lua",
} as const;

/** Registers the scripts on a connection (EVALSHA with automatic EVAL fallback, via ioredis). */
export function defineScripts(redis: Redis): SwitchyardScripts {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua: loadScript(file) });
  }
  const commands = redis as unknown as Record<keyof typeof SCRIPTS, (...args: (string | number)[]) => Promise<number>>;
  const replies = redis as unknown as Record<keyof typeof SCRIPTS, (...args: (string | number)[]) => Promise<unknown>>;
  return {
    createRequest: (keys, args) => commands.createRequest(...keys, ...args),
    updateRequest: (keys, args) => commands.updateRequest(...keys, ...args),
    finishRequest: (keys, args) => commands.finishRequest(...keys, ...args),
    breakerAdmit: (keys, args) =>
      replies.breakerAdmit(...keys, ...args) as Promise<[1, 0 | 1, string] | [0, string, number]>,
    breakerRecord: (keys, args) => replies.breakerRecord(...keys, ...args) as Promise<string>,
    breakerTrip: (keys, args) => replies.breakerTrip(...keys, ...args) as Promise<string>,
  };
}
