import { describe, expect, it } from "vitest";
import { circuitSnapshotFrom } from "./circuit-snapshot.js";

const settings = { windowMs: 10_000, resetTimeoutMs: 5_000 };
const nowMs = 1_700_000_000_000;

// Field order: state, failures, calls, windowStartMs, openedAtMs, probeLeaseUntilMs, openedTotal.
describe("circuitSnapshotFrom", () => {
  it("reads a circuit without a key as closed with zero counts", () => {
    expect(circuitSnapshotFrom("d", [null, null, null, null, null, null, null], nowMs, settings)).toEqual({
      deploymentId: "d",
      state: "closed",
      failures: 0,
      calls: 0,
      openedTotal: 0,
    });
  });

  it("reads the counts of the current window", () => {
    const values = ["closed", "2", "7", String(nowMs - 9_999), null, null, "3"];
    expect(circuitSnapshotFrom("d", values, nowMs, settings)).toEqual({
      deploymentId: "d",
      state: "closed",
      failures: 2,
      calls: 7,
      windowStartMs: nowMs - 9_999,
      openedTotal: 3,
    });
  });

  it("reads a lapsed window as empty, as the next result would restart it", () => {
    const values = [null, "2", "7", String(nowMs - 10_000), null, null, null];
    expect(circuitSnapshotFrom("d", values, nowMs, settings)).toMatchObject({ state: "closed", failures: 0, calls: 0 });
    expect(circuitSnapshotFrom("d", values, nowMs, settings).windowStartMs).toBeUndefined();
  });

  it("reads an open circuit as open until its reset timeout, then as half_open", () => {
    const openedAtMs = nowMs - 4_999;
    const values = ["open", null, null, null, String(openedAtMs), null, "1"];
    expect(circuitSnapshotFrom("d", values, nowMs, settings)).toEqual({
      deploymentId: "d",
      state: "open",
      failures: 0,
      calls: 0,
      openedAtMs,
      retryAtMs: openedAtMs + 5_000,
      openedTotal: 1,
    });
    expect(circuitSnapshotFrom("d", values, nowMs + 1, settings)).toMatchObject({
      state: "half_open",
      retryAtMs: openedAtMs + 5_000,
    });
  });

  it("reads a half-open circuit's retry time as the end of the probe's lease", () => {
    const values = ["half_open", null, null, null, String(nowMs - 6_000), String(nowMs + 20_000), "2"];
    expect(circuitSnapshotFrom("d", values, nowMs, settings)).toMatchObject({
      state: "half_open",
      openedAtMs: nowMs - 6_000,
      retryAtMs: nowMs + 20_000,
      openedTotal: 2,
    });
  });
});
