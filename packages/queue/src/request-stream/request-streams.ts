import type { Redis } from "ioredis";
import { keyNames, type KeyNames } from "../key-names.js";
import type { BlockingConnectionPool } from "./blocking-connection-pool.js";
import { RequestStreamReader } from "./request-stream-reader.js";
import { DEFAULT_REQUEST_STREAM_LIMITS, RequestStreamWriter, type RequestStreamLimits } from "./request-stream-writer.js";

/**
 * Streamed answers in Redis: one stream per request (`{prefix}:request:<id>:stream`), written by the provider worker
 * that serves it and read by the API process relaying it to the caller. Writers use the process's ordinary
 * connection; readers block, so each takes a dedicated connection from `readers` (API processes only).
 */
export class RequestStreams {
  private readonly keys: KeyNames;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly readers?: BlockingConnectionPool,
    private readonly limits: RequestStreamLimits = DEFAULT_REQUEST_STREAM_LIMITS,
  ) {
    this.keys = keyNames(prefix);
  }

  writer(requestId: string): RequestStreamWriter {
    return new RequestStreamWriter(this.redis, this.keys.requestStream(requestId), this.limits);
  }

  /** Entries in the request's stream (0 when it has none). */
  length(requestId: string): Promise<number> {
    return this.redis.xlen(this.keys.requestStream(requestId));
  }

  /** A reader from the stream's beginning, on a connection of its own; `close()` it when done. */
  async reader(requestId: string): Promise<RequestStreamReader> {
    if (!this.readers) throw new Error("this RequestStreams has no connection pool for readers");
    const connection = await this.readers.acquire();
    return new RequestStreamReader(this.redis, this.readers, connection, this.keys.requestStream(requestId));
  }
}
