import type { Redis } from "ioredis";
import { requestStreamEntrySchema, type RequestStreamEntry } from "@switchyard/contracts";
import type { BlockingConnection, BlockingConnectionPool } from "./blocking-connection-pool.js";
import { REQUEST_STREAM_FIELD } from "./request-stream-writer.js";

/** Entries per read: a fast answer is relayed in a few reads rather than one per token. */
const READ_COUNT = 256;

type XreadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * Reads one request's stream from its beginning (id 0, so entries written before the reader started are not
 * missed) on a dedicated connection from the pool. One reader per relay; `close` returns the connection.
 */
export class RequestStreamReader {
  private lastId = "0";
  private reading = false;
  private released = false;

  constructor(
    private readonly producer: Redis,
    private readonly pool: BlockingConnectionPool,
    private readonly connection: BlockingConnection,
    readonly key: string,
  ) {}

  /**
   * The entries after the last one read: waits up to `blockMs` for one when there are none (no wait when
   * `blockMs` is undefined). Returns early, empty, when `wake` is called. An entry that is not a valid
   * `RequestStreamEntry` becomes an `error` entry: the reader must not relay what it cannot vouch for.
   */
  async read(blockMs?: number): Promise<RequestStreamEntry[]> {
    if (this.released) throw new Error("the reader is closed");
    const args: (string | number)[] = ["COUNT", READ_COUNT, ...(blockMs === undefined ? [] : ["BLOCK", Math.max(1, Math.round(blockMs))]), "STREAMS", this.key, this.lastId];
    this.reading = true;
    let reply: XreadReply;
    try {
      reply = (await (this.connection.redis.xread as (...xreadArgs: (string | number)[]) => Promise<unknown>)(...args)) as XreadReply;
    } finally {
      this.reading = false;
    }
    const entries: RequestStreamEntry[] = [];
    for (const [, items] of reply ?? []) {
      for (const [id, fields] of items) {
        this.lastId = id;
        entries.push(parseEntry(fields));
      }
    }
    return entries;
  }

  /** Ends a blocked `read` at once (it returns no entries); does nothing when no read is blocked. */
  async wake(): Promise<void> {
    if (!this.reading) return;
    await this.producer.client("UNBLOCK", this.connection.clientId).catch(() => undefined);
  }

  /** Returns the connection to the pool. Call once no `read` is in flight. */
  close(): void {
    if (this.released) return;
    this.released = true;
    this.pool.release(this.connection);
  }
}

function parseEntry(fields: string[]): RequestStreamEntry {
  const index = fields.indexOf(REQUEST_STREAM_FIELD);
  const text = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
  try {
    const parsed = requestStreamEntrySchema.safeParse(text === undefined ? undefined : JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: reported below
  }
  return { kind: "error", error: { code: "internal", message: "the request's stream holds an unreadable entry" } };
}
