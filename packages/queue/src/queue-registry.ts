import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { deploymentQueueName, tierQueueName, type Tier } from "@switchyard/contracts";

export interface QueueSettings {
  /** Redis Cluster hash tag, e.g. `{sy}`; BullMQ puts it in front of every queue key. */
  prefix: string;
  keepCompletedCount: number;
  keepFailedAgeSeconds: number;
}

/** Job options every Switchyard job gets: bounded history, one attempt (retries are decided by us). */
export function defaultJobOptions(settings: QueueSettings): JobsOptions {
  return {
    attempts: 1,
    removeOnComplete: { count: settings.keepCompletedCount },
    removeOnFail: { age: settings.keepFailedAgeSeconds },
  };
}

/**
 * One BullMQ `Queue` per name, created on first use and sharing one connection. Producers use it to
 * enqueue; the API also hands its queues to Bull Board.
 */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly settings: QueueSettings,
  ) {}

  get prefix(): string {
    return this.settings.prefix;
  }

  get jobOptions(): JobsOptions {
    return defaultJobOptions(this.settings);
  }

  byName(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.settings.prefix,
        defaultJobOptions: defaultJobOptions(this.settings),
      });
      // Errors surface on the calls that fail; without a listener an 'error' event would crash the process.
      queue.on("error", () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  tier(tier: Tier): Queue {
    return this.byName(tierQueueName(tier));
  }

  deployment(deploymentId: string): Queue {
    return this.byName(deploymentQueueName(deploymentId));
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
    this.queues.clear();
  }
}
