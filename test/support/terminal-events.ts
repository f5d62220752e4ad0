import { Redis } from "ioredis";
import { keyNames, redisOptionsFor } from "@switchyard/queue";

/**
 * Listens on the request events channel, where finish-request-3.lua PUBLISHes "<id> <status>" on every terminal
 * transition, and counts transitions per request id. More than one for an id is a duplicated terminal transition.
 * The connection rides out a Redis restart and resubscribes; events published while it was away are not seen
 * (`reconnects` tells whether that could have happened).
 */
export class TerminalEventCounter {
  readonly counts = new Map<string, number>();
  reconnects = 0;
  private constructor(private readonly redis: Redis) {}

  static async start(redisUrl: string, prefix: string): Promise<TerminalEventCounter> {
    // Reconnects every 50 ms (not with the workers' growing backoff), so after a Redis restart it is usually
    // subscribed again before the workers are back, and sees every transition.
    const redis = new Redis(redisUrl, { ...redisOptionsFor("worker"), retryStrategy: () => 50, connectionName: "switchyard-chaos-events" });
    redis.on("error", () => {}); // expected while Redis restarts; ioredis reconnects and resubscribes
    const counter = new TerminalEventCounter(redis);
    let connections = 0;
    redis.on("ready", () => {
      if (connections++ > 0) counter.reconnects++;
    });
    redis.on("message", (_channel: string, message: string) => {
      const id = message.split(" ")[0] ?? message;
      counter.counts.set(id, (counter.counts.get(id) ?? 0) + 1);
    });
    await redis.subscribe(keyNames(prefix).requestEvents());
    return counter;
  }

  /** Terminal transitions beyond the first, summed over every request. */
  duplicates(): number {
    let extra = 0;
    for (const count of this.counts.values()) extra += Math.max(0, count - 1);
    return extra;
  }

  async stop(): Promise<void> {
    this.redis.disconnect();
  }
}
