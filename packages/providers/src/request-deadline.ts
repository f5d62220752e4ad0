/** The overall deadline of one provider call, combined with the caller's signal. */
export interface RequestDeadline {
  readonly signal: AbortSignal;
  /** The deadline fired. */
  readonly timedOut: boolean;
  /** The caller's signal fired first. */
  readonly callerAborted: boolean;
  /** Clears the timer and the listener; call when the call ends, however it ends. */
  dispose(): void;
}

/**
 * Like `AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])`, with two differences that matter at
 * thousands of calls a second: the timer is cleared when the call ends instead of living on for up to
 * `timeoutMs`, and the listener on the caller's signal is removed, so a long-lived signal (a worker's shutdown
 * signal) does not collect one dependent per call. It also says which of the two fired.
 */
export function createRequestDeadline(timeoutMs: number, callerSignal?: AbortSignal): RequestDeadline {
  const controller = new AbortController();
  let timedOut = false;
  let callerAborted = false;

  const onCallerAbort = () => {
    if (controller.signal.aborted) return;
    callerAborted = true;
    controller.abort(callerSignal?.reason);
  };
  const timer = setTimeout(() => {
    if (controller.signal.aborted) return;
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);

  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });

  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    get callerAborted() {
      return callerAborted;
    },
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}
