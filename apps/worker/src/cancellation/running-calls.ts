/** One provider call's cancellation: the signal to give the adapter, and whether a cancel notice fired it. */
export interface CallCancellation {
  readonly signal: AbortSignal;
  /** A cancel notice for the request aborted the call (not the job's own signal, not the deadline). */
  readonly cancelled: boolean;
  /** Unregisters the call; call when it ends, however it ends. */
  end(): void;
}

/**
 * The provider calls this process is running, by request id, so a cancel notice can abort the one running for
 * its request. A call registers before it reads the record's status: a cancel that lands before that read is
 * seen as the terminal status, and one that lands after it finds the call registered.
 */
export class RunningCalls {
  private readonly calls = new Map<string, Set<Call>>();

  /** Registers a call; `jobSignal` (BullMQ's, for a cancelled or shut-down job) aborts it as well. */
  begin(requestId: string, jobSignal?: AbortSignal): CallCancellation {
    const call = new Call(jobSignal, () => {
      const set = this.calls.get(requestId);
      set?.delete(call);
      if (set?.size === 0) this.calls.delete(requestId);
    });
    let set = this.calls.get(requestId);
    if (!set) {
      set = new Set();
      this.calls.set(requestId, set);
    }
    set.add(call);
    return call;
  }

  /** Aborts the request's calls in this process; how many there were. */
  cancel(requestId: string): number {
    const set = this.calls.get(requestId);
    for (const call of set ?? []) call.cancel();
    return set?.size ?? 0;
  }

  get size(): number {
    return this.calls.size;
  }
}

class Call implements CallCancellation {
  private readonly controller = new AbortController();
  private byNotice = false;
  private readonly forward = () => this.controller.abort(this.jobSignal?.reason);

  constructor(
    private readonly jobSignal: AbortSignal | undefined,
    private readonly unregister: () => void,
  ) {
    if (jobSignal?.aborted) this.forward();
    else jobSignal?.addEventListener("abort", this.forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.byNotice;
  }

  cancel(): void {
    if (this.controller.signal.aborted) return;
    this.byNotice = true;
    this.controller.abort(new DOMException("the request was cancelled", "AbortError"));
  }

  end(): void {
    this.jobSignal?.removeEventListener("abort", this.forward);
    this.unregister();
  }
}
