import type { Redis } from "ioredis";

/**
 * Counts terminal transitions from Switchyard's event channel, so completion is observed the moment the
 * worker records it, without polling.
 */
export class CompletionWatcher {
  private readonly waiters = new Map<string, (atMs: number) => void>();
  private readonly early = new Map<string, number>();
  private readonly listeners: ((id: string, status: string, atMs: number) => void)[] = [];
  completed = 0;
  failed = 0;
  lastAtMs = 0;

  constructor(private readonly subscriber: Redis) {}

  async start(channel: string): Promise<void> {
    this.subscriber.on("message", (_channel: string, message: string) => {
      const atMs = performance.now();
      const [id, status] = message.split(" ");
      if (status === "succeeded") this.completed += 1;
      else this.failed += 1;
      this.lastAtMs = atMs;
      for (const listener of this.listeners) listener(id ?? "", status ?? "", atMs);
      const waiter = this.waiters.get(id ?? "");
      if (waiter) {
        this.waiters.delete(id ?? "");
        waiter(atMs);
      } else if (id) {
        this.early.set(id, atMs);
      }
    });
    await this.subscriber.subscribe(channel);
  }

  /** Also calls `listener` with every terminal transition from now on (for scenarios that time many requests at once). */
  onTerminal(listener: (id: string, status: string, atMs: number) => void): void {
    this.listeners.push(listener);
  }

  waitFor(id: string): Promise<number> {
    const early = this.early.get(id);
    if (early !== undefined) {
      this.early.delete(id);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }
}
