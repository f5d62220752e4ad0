import { describe, expect, it } from "vitest";
import { createRequestDeadline } from "./request-deadline.js";

describe("createRequestDeadline", () => {
  it("fires after timeoutMs and says so", async () => {
    const deadline = createRequestDeadline(20);
    await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve));
    expect(deadline).toMatchObject({ timedOut: true, callerAborted: false });
    deadline.dispose();
  });

  it("follows the caller's signal, including one aborted already", () => {
    const controller = new AbortController();
    const deadline = createRequestDeadline(10_000, controller.signal);
    controller.abort();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline).toMatchObject({ timedOut: false, callerAborted: true });
    deadline.dispose();

    const early = createRequestDeadline(10_000, AbortSignal.abort());
    expect(early.signal.aborted).toBe(true);
    expect(early.callerAborted).toBe(true);
    early.dispose();
  });

  it("stops listening once disposed", async () => {
    const controller = new AbortController();
    const deadline = createRequestDeadline(10, controller.signal);
    deadline.dispose();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.signal.aborted).toBe(false);
  });
});
