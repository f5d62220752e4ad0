import { describe, expect, it } from "vitest";
import { limiterSnapshotFrom } from "./limiter-snapshot.js";

const settings = { concurrency: 8, windowMs: 60_000 };
const nowMs = 1_700_000_000_000;

// Reply order: inFlight, requestsInWindow, tokensInWindow, pausedUntilMs, providerRequestsRemaining,
// providerRequestsResetAtMs, providerTokensRemaining, providerTokensResetAtMs.
describe("limiterSnapshotFrom", () => {
  it("reads a limiter without keys as idle, with the configured limits", () => {
    expect(limiterSnapshotFrom("d", [0, 0, 0, "", "", "", "", ""], { ...settings, rpm: 60 }, nowMs)).toEqual({
      deploymentId: "d",
      inFlight: 0,
      requestsInWindow: 0,
      tokensInWindow: 0,
      rpm: 60,
      concurrency: 8,
    });
  });

  it("shows a pause only while it holds", () => {
    const reply = [1, 2, 30, String(nowMs + 1), "", "", "", ""];
    expect(limiterSnapshotFrom("d", reply, settings, nowMs).pausedUntilMs).toBe(nowMs + 1);
    expect(limiterSnapshotFrom("d", reply, settings, nowMs + 1).pausedUntilMs).toBeUndefined();
  });

  it("shows each provider budget until its own reset, with the later reset of those shown", () => {
    const reply = [0, 0, 0, "", "3", String(nowMs + 5_000), "900", String(nowMs + 2_000)];
    expect(limiterSnapshotFrom("d", reply, settings, nowMs)).toMatchObject({
      providerRequestsRemaining: 3,
      providerTokensRemaining: 900,
      providerResetAtMs: nowMs + 5_000,
    });
    const later = limiterSnapshotFrom("d", reply, settings, nowMs + 2_000);
    expect(later).toMatchObject({ providerRequestsRemaining: 3, providerResetAtMs: nowMs + 5_000 });
    expect(later.providerTokensRemaining).toBeUndefined();
    const past = limiterSnapshotFrom("d", reply, settings, nowMs + 5_000);
    expect([past.providerRequestsRemaining, past.providerTokensRemaining, past.providerResetAtMs]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
