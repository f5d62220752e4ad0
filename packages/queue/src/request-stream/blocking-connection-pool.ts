import type { Redis } from "ioredis";
import { waitForRedis } from "../redis-connection.js";

/** A connection lent out for blocking reads, with the id Redis knows it by (for `CLIENT UNBLOCK`). */
export interface BlockingConnection {
  readonly redis: Redis;
  readonly clientId: number;
  /** The connection dropped since it was opened: its blocked command failed and it must not be reused. */
  readonly broken: boolean;
}

export interface BlockingConnectionPoolOptions {
  /** Connections kept open between uses; more are opened on demand and closed when returned. */
  maxIdle: number;
  /** How long a new connection may take to become ready. */
  connectTimeoutMs: number;
}

/**
 * Dedicated connections for blocking commands (`XREAD BLOCK`). A blocked connection serves nobody else until the
 * command returns, so these never share the producer connection, and each reader holds one for its whole read.
 * Idle ones are kept for the next reader, up to `maxIdle`: opening a connection costs a TCP handshake per stream.
 */
export class BlockingConnectionPool {
  private readonly idle: PooledConnection[] = [];
  private closed = false;

  constructor(
    private readonly create: () => Redis,
    private readonly options: BlockingConnectionPoolOptions,
  ) {}

  async acquire(): Promise<BlockingConnection> {
    if (this.closed) throw new Error("the blocking connection pool is closed");
    const reusable = this.idle.pop();
    if (reusable) return reusable;
    const redis = this.create();
    // Errors surface on the commands that fail; without a listener an 'error' event would crash the process.
    redis.on("error", () => {});
    try {
      await waitForRedis(redis, this.options.connectTimeoutMs);
      const clientId = Number(await redis.client("ID"));
      const connection = new PooledConnection(redis, clientId);
      redis.once("close", () => connection.markBroken());
      return connection;
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  /** Gives a connection back after its last command returned; a broken one, or one too many, is closed. */
  release(connection: BlockingConnection): void {
    if (!(connection instanceof PooledConnection)) throw new Error("not a connection of this pool");
    if (this.closed || connection.broken || this.idle.length >= this.options.maxIdle) {
      connection.redis.disconnect();
      return;
    }
    this.idle.push(connection);
  }

  /** Closes the idle connections; connections still lent out are closed when they come back. */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.redis.disconnect();
  }
}

class PooledConnection implements BlockingConnection {
  private dropped = false;

  constructor(
    readonly redis: Redis,
    readonly clientId: number,
  ) {}

  get broken(): boolean {
    return this.dropped;
  }

  markBroken(): void {
    this.dropped = true;
  }
}
