import { describe, expect, it } from "vitest";
import { RunningCalls } from "./running-calls.js";

describe("RunningCalls", () => {
  it("aborts the calls of a cancelled request only, and says the notice did it", () => {
    const calls = new RunningCalls();
    const first = calls.begin("r1");
    const other = calls.begin("r2");
    expect(calls.cancel("r1")).toBe(1);
    expect(first.signal.aborted).toBe(true);
    expect(first.cancelled).toBe(true);
    expect(other.signal.aborted).toBe(false);
    expect(calls.cancel("unknown")).toBe(0);
  });

  it("forwards the job's own signal without calling it a cancellation", () => {
    const calls = new RunningCalls();
    const job = new AbortController();
    const call = calls.begin("r1", job.signal);
    job.abort(new Error("shutdown"));
    expect(call.signal.aborted).toBe(true);
    expect(call.cancelled).toBe(false);
  });

  it("forgets a call when it ends, so a later notice finds nothing", () => {
    const calls = new RunningCalls();
    const call = calls.begin("r1");
    call.end();
    expect(calls.size).toBe(0);
    expect(calls.cancel("r1")).toBe(0);
    expect(call.signal.aborted).toBe(false);
  });
});
