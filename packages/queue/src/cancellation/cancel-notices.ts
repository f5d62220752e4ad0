import type { Redis } from "ioredis";

/**
 * The cancel channel (`{prefix}:events:cancel`): a cancelled request's id, published after its record became
 * `cancelled`, so whichever worker process is calling a provider for it aborts the call. A notice nobody hears
 * (the call had not started, or the worker was down) costs nothing: a worker checks the record's status before
 * every call, and the record is already terminal.
 */
export async function publishCancelNotice(redis: Redis, channel: string, requestId: string): Promise<void> {
  await redis.publish(channel, requestId);
}

/** One subscriber connection per worker process, calling `onCancel` with each cancelled request's id. */
export class CancelNoticeSubscriber {
  private started: Promise<void> | undefined;

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {}

  start(onCancel: (requestId: string) => void): Promise<void> {
    this.started ??= (async () => {
      this.subscriber.on("message", (channel: string, message: string) => {
        if (channel === this.channel) onCancel(message);
      });
      await this.subscriber.subscribe(this.channel);
    })();
    return this.started;
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
