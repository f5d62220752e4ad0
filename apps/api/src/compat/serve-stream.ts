import type { Response } from "express";
import {
  chatResultToStreamEvents,
  isTerminalStatus,
  type ChatRequest,
  type RequestRecord,
  type RequestStreamEntry,
} from "@switchyard/contracts";
import type { RequestStreamReader, RequestStreams } from "@switchyard/queue";
import { principalOf } from "../auth/principal.js";
import { ApiError } from "../http/api-error.js";
import { submitRequest } from "../requests/submit-request.js";
import { cancelForDepartedCaller, watchCaller } from "./caller-presence.js";
import { requestFailure } from "./failure-status.js";
import type { SyncDependencies } from "./serve-synchronously.js";
import { createStreamPresenter } from "./streaming/create-stream-presenter.js";
import type { StreamingFormat } from "./streaming/stream-presenter.js";

export interface StreamDependencies extends SyncDependencies {
  /** The requests' Redis streams; readers take a dedicated connection each. */
  requestStreams: RequestStreams;
}

/** The longest one read blocks: the terminal event and a departing caller wake it at once; this bounds a missed wake. */
const BLOCK_MS = 1_000;
/** Once the record is terminal, how long to wait for the stream's final entry (written right after the record). */
const FINAL_ENTRY_GRACE_MS = 2_000;
const FINAL_ENTRY_POLL_MS = 100;
/** How long the terminal-event subscription lasts; a relay ends long before, and unsubscribes when it does. */
const TERMINAL_WAIT_MS = 24 * 3_600_000;

/**
 * A drop-in endpoint's `stream: true`: the request is accepted as any other (flagged `stream`), and the worker
 * that serves it writes the provider's stream to Redis (`{prefix}:request:<id>:stream`); this relays that stream
 * from its beginning as server-sent events in the caller's format.
 *
 * Nothing is sent until the first entry: a request that fails before its answer began (the cascade may still
 * fall back then) is an ordinary HTTP error the SDKs raise as theirs, and a request answered without a provider
 * stream (a response-cache hit) is replayed from its record. After the first entry, the stream ends with the
 * answer's finish or with the format's error event. A caller that disconnects first cancels the request.
 */
export async function serveStream(
  dependencies: StreamDependencies,
  response: Response,
  format: StreamingFormat,
  chat: ChatRequest,
  options: { includeUsage: boolean },
): Promise<void> {
  const { store, events, requestStreams, now, syncTimeoutMs } = dependencies;
  const accepted = await submitRequest(dependencies, { ...chat, stream: true }, format, principalOf(response));
  const id = accepted.id;
  response.set("x-switchyard-request-id", id);
  const gone = watchCaller(response);

  let reader: RequestStreamReader;
  try {
    reader = await requestStreams.reader(id);
  } catch (error) {
    dependencies.logger.warn({ err: error, requestId: id }, "could not open a stream reader");
    // Nobody could relay the answer: do not spend a provider call on it.
    await dependencies.canceller.cancel(id, "stream_unavailable").catch(() => undefined);
    throw ApiError.unavailable("storage is unavailable; the request was not accepted, retry later");
  }

  const presenter = createStreamPresenter(format, { requestId: id, includeUsage: options.includeUsage, nowMs: now() });
  let began = false;
  let delivered = false;
  let servingHop: number | undefined;
  let terminalAtMs: number | undefined;
  const unsubscribe = new AbortController();
  const wake = () => void reader.wake();
  gone.addEventListener("abort", wake, { once: true });

  const begin = (deploymentId: string, headers: Record<string, string> = {}) => {
    if (began) return;
    began = true;
    response.status(200).set({
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      // Proxies such as nginx would otherwise buffer the events.
      "x-accel-buffering": "no",
      "x-switchyard-deployment": deploymentId,
      "x-switchyard-tier": accepted.tier,
      ...headers,
    });
    response.flushHeaders();
  };
  const finish = (frames: string) => {
    response.end(frames);
    delivered = true;
  };
  /** Ends the relay with an error: an HTTP error before the first event, the format's error event after it. */
  const fail = (error: ApiError): void => {
    if (!began) throw error;
    finish(presenter.error(error));
  };

  /** Relays one entry; true when the relay is over. */
  const relay = (entry: RequestStreamEntry): boolean => {
    if (entry.kind === "error") {
      fail(requestFailure(entry.error));
      return true;
    }
    servingHop ??= entry.hop;
    if (entry.hop !== servingHop) {
      // Only a re-run of a call whose worker was lost writes a second call's entries, and that run fails the request.
      fail(new ApiError(502, "api_error", "the answer's stream was interrupted", "stream_interrupted"));
      return true;
    }
    begin(entry.deploymentId);
    if (entry.kind === "event") {
      response.write(presenter.event(entry.event));
      return false;
    }
    finish(presenter.event({ type: "finish", finishReason: entry.finishReason, usage: entry.usage }) + presenter.end());
    return true;
  };

  /** The record is terminal and the stream has no (more) entries: the record has the last word. */
  const finishFromRecord = async (): Promise<void> => {
    const record = await readRecord(dependencies.store, id);
    if (!record || !isTerminalStatus(record.status)) return fail(new ApiError(502, "api_error", `request ${id} ended without an outcome`, "internal"));
    if (record.status !== "succeeded" || !record.result) return fail(requestFailure(record.error));
    if (began) {
      // The final entry was lost (its worker died between the record and the stream): the record has the finish.
      return finish(presenter.event({ type: "finish", finishReason: record.result.finishReason, usage: record.result.usage }) + presenter.end());
    }
    // Answered without a provider stream (the response cache): replayed whole, and the cost is known up front.
    begin(record.deploymentId ?? "", costHeaders(record));
    finish(chatResultToStreamEvents(record.result).map((event) => presenter.event(event)).join("") + presenter.end());
  };

  try {
    // Subscribe before reading the status, so a transition between the two is not missed.
    void events.waitFor(id, TERMINAL_WAIT_MS, unsubscribe.signal).then((status) => {
      if (status === undefined) return;
      terminalAtMs = now();
      wake();
    });
    const status = await store.status(id).catch(() => undefined);
    if (status !== undefined && isTerminalStatus(status)) terminalAtMs = now();

    const startedAtMs = now();
    let lastEntryAtMs = startedAtMs;
    while (!gone.aborted) {
      const blockMs = terminalAtMs === undefined ? BLOCK_MS : began ? FINAL_ENTRY_POLL_MS : undefined;
      let entries: RequestStreamEntry[];
      try {
        entries = await reader.read(blockMs);
      } catch (error) {
        if (gone.aborted) break;
        dependencies.logger.warn({ err: error, requestId: id }, "could not read the request's stream");
        return fail(ApiError.unavailable(`storage is unavailable; the answer continues at /v1/requests/${id}`));
      }
      for (const entry of entries) if (relay(entry)) return;
      const nowMs = now();
      if (entries.length > 0) {
        lastEntryAtMs = nowMs;
        continue;
      }
      if (terminalAtMs !== undefined && (!began || nowMs - terminalAtMs >= FINAL_ENTRY_GRACE_MS)) return await finishFromRecord();
      if (terminalAtMs === undefined && nowMs - lastEntryAtMs >= syncTimeoutMs) {
        // As the plain endpoints: the request keeps running, and its record is where its outcome will be.
        return fail(new ApiError(504, "timeout_error", `request ${id} has not ${began ? "continued" : "begun"} for ${syncTimeoutMs} ms; poll /v1/requests/${id}`, "still_running"));
      }
    }
  } finally {
    unsubscribe.abort();
    gone.removeEventListener("abort", wake);
    reader.close();
    if (gone.aborted && !delivered) cancelForDepartedCaller(dependencies, id);
  }
}

function costHeaders(record: RequestRecord): Record<string, string> {
  return { "x-switchyard-cost-usd": String(record.costUsd ?? 0), ...(record.servedFromCache ? { "x-switchyard-cache": "hit" } : {}) };
}

async function readRecord(store: StreamDependencies["store"], id: string): Promise<RequestRecord | undefined> {
  try {
    return await store.get(id);
  } catch {
    throw ApiError.unavailable("storage is unavailable, retry later");
  }
}
