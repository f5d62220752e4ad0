import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** Lua scripts live in `lua/`, named `<command>-<number of keys>.lua` like BullMQ's. */
function loadScript(fileName: string): string {
  return readFileSync(new URL(`../lua/${fileName}`, import.meta.url), "utf8");
}

export interface SwitchyardScripts {
  createRequest(keys: [string, string, string], args: (string | number)[]): Promise<number>;
  /** {1} claimed, {0, entry} the key already holds an entry. */
  idempotencyClaim(keys: [string], args: (string | number)[]): Promise<[1] | [0, string]>;
  /** 1 settled or released, 0 the claim no longer held the key. */
  idempotencySettle(keys: [string], args: (string | number)[]): Promise<number>;
  updateRequest(keys: [string, string, string], args: (string | number)[]): Promise<number>;
  finishRequest(keys: [string, string, string], args: (string | number)[]): Promise<number>;
  /** {1, probe 0|1, "" | "half_opened"} when allowed, {0, "open" | "half_open", retryAtMs} when refused. */
  breakerAdmit(keys: [string], args: (string | number)[]): Promise<[1, 0 | 1, string] | [0, string, number]>;
  /** The transition ("opened" | "closed" | "reopened"), or "" when the state did not change. */
  breakerRecord(keys: [string], args: (string | number)[]): Promise<string>;
  /** The transition ("opened" | "reopened"), or "" when the circuit was already open. */
  breakerTrip(keys: [string], args: (string | number)[]): Promise<string>;
  /** The deployment's new latency average in ms, as a decimal string. */
  deploymentLatency(keys: [string], args: (string | number)[]): Promise<string>;
  /** {1} when granted, {0, limitedBy, waitMs, exceedsWholeBudget 0|1} when refused. */
  limiterAcquire(
    keys: [string, string, string, string],
    args: (string | number)[],
  ): Promise<[1] | [0, string, number, 0 | 1]>;
  /** {corrected 1|0, recorded 1|0}: the reservation corrected to the actual tokens; the observation recorded. */
  limiterSettle(keys: [string, string, string], args: (string | number)[]): Promise<[0 | 1, 0 | 1]>;
  /** 1 the pause was lengthened, 0 a longer one was stored. */
  limiterPause(keys: [string], args: (string | number)[]): Promise<number>;
  /** Queues the read-only snapshot script on a pipeline, so many deployments take one round trip. */
  limiterSnapshot(
    pipeline: ReturnType<Redis["pipeline"]>,
    keys: [string, string, string, string],
    args: (string | number)[],
  ): void;
  /** 1 created, 0 a key with this id exists. */
  apiKeyCreate(keys: [string, string, string], args: (string | number)[]): Promise<number>;
  /** 1 revoked, 0 already revoked, -1 no such key. */
  apiKeyRevoke(keys: [string], args: (string | number)[]): Promise<number>;
  /** {granted 1|0, spent, reserved, limit (-1: none)}, amounts in microcents. */
  budgetReserve(keys: [string, string], args: (string | number)[]): Promise<[0 | 1, number, number, number]>;
  /** 1 settled, 0 nothing reserved under that request id. */
  budgetSettle(keys: [string], args: (string | number)[]): Promise<number>;
  /** 1 created, 0 the tenant has its maximum of endpoints, -1 the id exists. */
  webhookEndpointCreate(keys: [string, string], args: (string | number)[]): Promise<number>;
  /** 1 updated, 0 no such endpoint. */
  webhookEndpointStatus(keys: [string], args: (string | number)[]): Promise<number>;
}

const SCRIPTS = {
  createRequest: "create-request-3.lua",
  idempotencyClaim: "idempotency-claim-1.lua",
  idempotencySettle: "idempotency-settle-1.lua",
  updateRequest: "update-request-3.lua",
  finishRequest: "finish-request-3.lua",
  breakerAdmit: "breaker-admit-1.lua",
  breakerRecord: "breaker-record-1.lua",
  breakerTrip: "breaker-trip-1.lua",
  deploymentLatency: "deployment-latency-1.lua",
  limiterAcquire: "limiter-acquire-4.lua",
  limiterSettle: "limiter-settle-3.lua",
  limiterPause: "limiter-pause-1.lua",
  limiterSnapshot: "limiter-snapshot-4.lua",
  apiKeyCreate: "api-key-create-3.lua",
  apiKeyRevoke: "api-key-revoke-1.lua",
  budgetReserve: "budget-reserve-2.lua",
  budgetSettle: "budget-settle-1.lua",
  webhookEndpointCreate: "webhook-endpoint-create-2.lua",
  webhookEndpointStatus: "webhook-endpoint-status-1.lua",
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
    idempotencyClaim: (keys, args) => replies.idempotencyClaim(...keys, ...args) as Promise<[1] | [0, string]>,
    idempotencySettle: (keys, args) => commands.idempotencySettle(...keys, ...args),
    updateRequest: (keys, args) => commands.updateRequest(...keys, ...args),
    finishRequest: (keys, args) => commands.finishRequest(...keys, ...args),
    breakerAdmit: (keys, args) =>
      replies.breakerAdmit(...keys, ...args) as Promise<[1, 0 | 1, string] | [0, string, number]>,
    breakerRecord: (keys, args) => replies.breakerRecord(...keys, ...args) as Promise<string>,
    breakerTrip: (keys, args) => replies.breakerTrip(...keys, ...args) as Promise<string>,
    deploymentLatency: (keys, args) => replies.deploymentLatency(...keys, ...args) as Promise<string>,
    limiterAcquire: (keys, args) =>
      replies.limiterAcquire(...keys, ...args) as Promise<[1] | [0, string, number, 0 | 1]>,
    limiterSettle: (keys, args) => replies.limiterSettle(...keys, ...args) as Promise<[0 | 1, 0 | 1]>,
    limiterPause: (keys, args) => commands.limiterPause(...keys, ...args),
    apiKeyCreate: (keys, args) => commands.apiKeyCreate(...keys, ...args),
    apiKeyRevoke: (keys, args) => commands.apiKeyRevoke(...keys, ...args),
    budgetReserve: (keys, args) => replies.budgetReserve(...keys, ...args) as Promise<[0 | 1, number, number, number]>,
    budgetSettle: (keys, args) => commands.budgetSettle(...keys, ...args),
    webhookEndpointCreate: (keys, args) => commands.webhookEndpointCreate(...keys, ...args),
    webhookEndpointStatus: (keys, args) => commands.webhookEndpointStatus(...keys, ...args),
    // A pipeline carries the connection's custom commands (ioredis copies them when it is created).
    limiterSnapshot: (pipeline, keys, args) => {
      (pipeline as unknown as Record<"limiterSnapshot", (...args: (string | number)[]) => unknown>).limiterSnapshot(
        ...keys,
        ...args,
      );
    },
  };
}
