import type { Redis } from "ioredis";
import type { RequestStatus } from "@switchyard/contracts";

type Listener = (status: RequestStatus) => void;

/**
 * Listens on the terminal-transition channel with one subscriber connection per process, and wakes the
 * long-polls waiting for a request id. Callers must re-read the record after subscribing, because an
 * event published before `waitFor` was called is not replayed.
 */
export class RequestEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private started: Promise<void> | undefined;

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {}

  start(): Promise<void> {
    this.started ??= (async () => {
      this.subscriber.on("message", (channel: string, message: string) => {
        if (channel !== this.channel) return;
        const space = message.indexOf(" ");
        const id = message.slice(0, space);
        const status = message.slice(space + 1) as RequestStatus;
        for (const listener of this.listeners.get(id) ?? []) listener(status);
      });
      await this.subscriber.subscribe(this.channel);
    })();
    return this.started;
  }

  /** Resolves with the terminal status, or `undefined` when `timeoutMs` passes or `signal` aborts first. */
  waitFor(id: string, timeoutMs: number, signal?: AbortSignal): Promise<RequestStatus | undefined> {
    return new Promise((resolve) => {
      let set = this.listeners.get(id);
      if (!set) {
        set = new Set();
        this.listeners.set(id, set);
      }
      const done = (status: RequestStatus | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        set.delete(listener);
        if (set.size === 0) this.listeners.delete(id);
        resolve(status);
      };
      const listener: Listener = (status) => done(status);
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      set.add(listener);
    });
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect();
  }
}
