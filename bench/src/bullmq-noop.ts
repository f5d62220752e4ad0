import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";

/** Baseline: how many no-op jobs per second raw BullMQ moves through one queue on this machine. */
export async function bullmqNoopThroughput(redisUrl: string, jobs: number, concurrency: number): Promise<{ jobsPerSecond: number }> {
  const prefix = `{bench${randomBytes(3).toString("hex")}}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue("noop", { connection, prefix });
  for (let start = 0; start < jobs; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, jobs - start) }, (_, index) => ({
      name: "noop",
      data: { index: start + index },
      opts: { removeOnComplete: true },
    }));
    await queue.addBulk(batch);
  }
  let completed = 0;
  let startedAtMs = 0;
  const worker = new Worker("noop", async () => undefined, { connection, prefix, concurrency, autorun: false });
  const finished = new Promise<number>((resolve) => {
    worker.on("completed", () => {
      completed += 1;
      if (completed === jobs) resolve(performance.now());
    });
  });
  startedAtMs = performance.now();
  void worker.run();
  const endedAtMs = await finished;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { jobsPerSecond: jobs / ((endedAtMs - startedAtMs) / 1000) };
}
