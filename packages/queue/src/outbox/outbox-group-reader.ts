import type { Redis } from "ioredis";

/**
 * One outbox entry (see finish-request-3.lua / update-request-3.lua): a request's transition, carrying what its
 * consumers need so that they read no record.
 */
export interface OutboxEntry {
  /** The stream entry id (`<ms>-<seq>`), unique and increasing. */
  entryId: string;
  requestId: string;
  status: string;
  tenant: string;
  atMs: number;
  /** The record's cost when it has one (a success). Entries written before it was carried lack it too. */
  costUsd?: number;
  /** The request's own webhook URL (`webhook.url` of its body), absent when it has none. */
  webhookUrl?: string;
}

type RawEntry = [id: string, fields: string[] | null];

function toEntry([entryId, fields]: RawEntry): OutboxEntry | undefined {
  // A pending entry that was trimmed away comes back without fields.
  if (!fields) return undefined;
  const map: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) map[fields[index]!] = fields[index + 1]!;
  return {
    entryId,
    requestId: map.id ?? "",
    status: map.status ?? "",
    tenant: map.tenant ?? "",
    atMs: Number(map.atMs ?? 0),
    ...(map.costUsd === undefined ? {} : { costUsd: Number(map.costUsd) }),
    ...(map.webhookUrl === undefined ? {} : { webhookUrl: map.webhookUrl }),
  };
}

/** Compares stream ids (`<ms>-<seq>`) numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split("-").map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split("-").map(BigInt);
  return aMs === bMs ? (aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1) : aMs < bMs ? -1 : 1;
}

/**
 * One consumer of one consumer group on the outbox stream. Reads block, so it needs a connection of its own
 * (closing that connection is how a blocked read is stopped). Entries stay pending until acknowledged; a consumer
 * that died leaves them pending, and `reclaim` hands them to a live one after `minIdleMs`.
 */
export class OutboxGroupReader {
  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    readonly group: string,
    readonly consumer: string,
  ) {}

  /**
   * Creates the group if it does not exist, at the stream's end (`$`: the group starts with what happens from now
   * on, not with the outbox's whole history) or at its start (`0`: every entry still in the stream).
   */
  async ensureGroup(startAt: "$" | "0" = "$"): Promise<void> {
    try {
      await this.redis.xgroup("CREATE", this.stream, this.group, startAt, "MKSTREAM");
    } catch (error) {
      if (!String((error as Error).message).startsWith("BUSYGROUP")) throw error;
    }
  }

  /** Entries never delivered to this group, waiting up to `blockMs` for the first. */
  async readNew(count: number, blockMs: number): Promise<OutboxEntry[]> {
    const reply = (await this.redis.xreadgroup(
      "GROUP", this.group, this.consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", this.stream, ">",
    )) as [string, RawEntry[]][] | null;
    return (reply?.[0]?.[1] ?? []).flatMap((raw) => toEntry(raw) ?? []);
  }

  /**
   * Takes over entries another consumer (or this one, in an earlier pass) left unacknowledged for `minIdleMs`.
   * Entries trimmed while pending are dropped from the pending list by Redis itself.
   */
  async reclaim(minIdleMs: number, count: number): Promise<OutboxEntry[]> {
    const reply = (await this.redis.xautoclaim(this.stream, this.group, this.consumer, minIdleMs, "0-0", "COUNT", count)) as [
      string,
      RawEntry[],
      string[]?,
    ];
    return (reply[1] ?? []).flatMap((raw) => toEntry(raw) ?? []);
  }

  async ack(entryIds: readonly string[]): Promise<void> {
    if (entryIds.length > 0) await this.redis.xack(this.stream, this.group, ...entryIds);
  }

  /**
   * The oldest entry any group still needs: for each group the older of its oldest pending entry and its last
   * delivered one (everything after that is unread). Other groups (budget settlement) read the same stream, so one
   * group's progress alone never decides. Undefined when there is no group.
   */
  async neededFloor(): Promise<string | undefined> {
    const groups = (await this.redis.xinfo("GROUPS", this.stream)) as unknown[][];
    let floor: string | undefined;
    for (const fields of groups) {
      const info: Record<string, unknown> = {};
      for (let index = 0; index + 1 < fields.length; index += 2) info[String(fields[index])] = fields[index + 1];
      let needed = String(info["last-delivered-id"]);
      if (Number(info.pending) > 0) {
        const [, oldestPending] = (await this.redis.xpending(this.stream, String(info.name))) as [number, string | null, string | null, unknown];
        if (oldestPending && compareStreamIds(oldestPending, needed) < 0) needed = oldestPending;
      }
      if (floor === undefined || compareStreamIds(needed, floor) < 0) floor = needed;
    }
    return floor;
  }

  /**
   * Trims below `neededFloor`. A group created later starts at the stream's end and needs nothing older. Returns the
   * number of entries removed.
   */
  async trimAcknowledged(): Promise<number> {
    const floor = await this.neededFloor();
    if (floor === undefined || floor === "0-0") return 0;
    // MINID keeps the floor entry itself; `~` lets Redis trim whole nodes only, which is much cheaper.
    return (await this.redis.xtrim(this.stream, "MINID", "~", floor)) as number;
  }

  /** Forgets consumers of this group that hold nothing and were idle longer than `idleMs` (dead processes). */
  async removeIdleConsumers(idleMs: number): Promise<void> {
    const consumers = (await this.redis.xinfo("CONSUMERS", this.stream, this.group)) as unknown[][];
    for (const fields of consumers) {
      const info: Record<string, unknown> = {};
      for (let index = 0; index + 1 < fields.length; index += 2) info[String(fields[index])] = fields[index + 1];
      if (info.name !== this.consumer && Number(info.pending) === 0 && Number(info.idle) > idleMs) {
        await this.redis.xgroup("DELCONSUMER", this.stream, this.group, String(info.name));
      }
    }
  }
}
