import { describe, expect, it } from "vitest";
import type { Hop } from "@switchyard/contracts";
import { pendingJobs } from "./pending-jobs.js";

function hop(n: number): Hop {
  return { n, stage: n === 1 ? "dispatch" : "provider", queue: "q", jobId: `j${n}`, attempt: 1, outcome: "ok", startedAtMs: 0, durationMs: 1 };
}

describe("pendingJobs", () => {
  it("names the tier job (id = request id) before dispatch, and the dispatcher's next job in case its hop was refused", () => {
    const jobs = pendingJobs({ id: "r1", tier: "fast", hops: [] }, ["a", "b"]);
    expect(jobs[0]).toEqual({ queue: "tier.fast", jobId: "r1" });
    expect(jobs.slice(1)).toEqual([
      { queue: "deployment.a", jobId: "r1-h2" },
      { queue: "deployment.b", jobId: "r1-h2" },
      { queue: "stage.cache", jobId: "r1-h2" },
      { queue: "stage.retry", jobId: "r1-h2" },
    ]);
  });

  it("after dispatch, names hops last+1 and last+2 in every deployment queue and stage, never the finished tier job", () => {
    const jobs = pendingJobs({ id: "r1", tier: "standard", hops: [hop(1), hop(3), hop(2)] }, ["a"]);
    expect(jobs).toEqual([
      { queue: "deployment.a", jobId: "r1-h4" },
      { queue: "stage.cache", jobId: "r1-h4" },
      { queue: "stage.retry", jobId: "r1-h4" },
      { queue: "deployment.a", jobId: "r1-h5" },
      { queue: "stage.cache", jobId: "r1-h5" },
      { queue: "stage.retry", jobId: "r1-h5" },
    ]);
  });
});
