import type { Redis } from "ioredis";
import { CancelNoticeSubscriber } from "@switchyard/queue";
import type { Logger } from "@switchyard/logging";
import type { RunningCalls } from "./running-calls.js";

/**
 * Subscribes this worker process to the cancel channel (on its own connection: a subscribed connection can do
 * nothing else) and aborts the provider call running here for each cancelled request, if any.
 */
export async function startCancelListener(subscriber: Redis, channel: string, calls: RunningCalls, logger: Logger): Promise<CancelNoticeSubscriber> {
  const notices = new CancelNoticeSubscriber(subscriber, channel);
  await notices.start((requestId) => {
    const aborted = calls.cancel(requestId);
    if (aborted > 0) logger.info({ requestId, aborted }, "request cancelled: aborting its provider call");
  });
  return notices;
}
