import { isTerminalStatus, type RequestRecord } from "@switchyard/contracts";
import type { RequestEvents, RequestStore } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";

/**
 * Waits until an accepted request is terminal (woken by the record's pub/sub event), at most `timeoutMs`; the
 * record as it then is. Subscribes before re-reading, so a transition between submit and subscribe is not missed.
 */
export async function awaitOutcome(
  dependencies: { store: RequestStore; events: RequestEvents },
  id: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<RequestRecord | undefined> {
  const done = new AbortController();
  const stop = () => done.abort();
  signal.addEventListener("abort", stop, { once: true });
  try {
    const terminal = dependencies.events.waitFor(id, timeoutMs, done.signal);
    let record = await read(dependencies.store, id);
    if (record && !isTerminalStatus(record.status)) {
      await terminal;
      record = await read(dependencies.store, id);
    }
    return record;
  } finally {
    signal.removeEventListener("abort", stop);
    done.abort();
  }
}

async function read(store: RequestStore, id: string): Promise<RequestRecord | undefined> {
  try {
    return await store.get(id);
  } catch {
    throw ApiError.unavailable("storage is unavailable, retry later");
  }
}
