import type { ApiClient } from "./api-client.js";

export interface AcceptedRequest {
  id: string;
  /** Position in the load (0-based), so a body can be matched back to its request. */
  index: number;
  /** The client's clock when the request was sent ... */
  sentAtMs: number;
  /** ... and when its 202 arrived. */
  acceptedAtMs: number;
}

export interface LoadOptions {
  api: ApiClient;
  /** Requests in flight at once (each waits for its answer before the next is sent). */
  concurrency: number;
  /** Stop after this many requests were sent ... */
  total?: number;
  /** ... or after this long, whichever comes first (one of the two is required). */
  durationMs?: number;
  /** Each client pauses this long after each answer: `concurrency / pauseMs` bounds the rate. */
  pauseMs?: number;
  /** The body of request `index`. */
  body: (index: number) => unknown;
}

export interface LoadResult {
  sent: number;
  /** Requests answered 202: Switchyard promised to finish each of them. */
  accepted: AcceptedRequest[];
  /** Answers by HTTP status ("202", "503", ...), and "network" for requests that got no answer at all. */
  byStatus: Record<string, number>;
  durationMs: number;
}

export interface LoadRun {
  /** Accepted so far (live, grows while the load runs). */
  readonly accepted: readonly AcceptedRequest[];
  readonly byStatus: Readonly<Record<string, number>>;
  /** Stops sending; requests already sent still get their answer. */
  stop(): void;
  done: Promise<LoadResult>;
}

/**
 * A closed-loop load: `concurrency` clients each send a request, wait for the API's answer (the 202, not the
 * request's outcome), and send the next, until `total` were sent or `durationMs` passed. Only a 202 counts as
 * accepted; any other answer (a 503 while Redis is away) or a broken connection is counted by status and the
 * client moves on, as a real caller would come back later with a new request.
 */
export function startLoad(options: LoadOptions): LoadRun {
  if (options.total === undefined && options.durationMs === undefined) throw new Error("startLoad needs total or durationMs");
  const startedAtMs = Date.now();
  const accepted: AcceptedRequest[] = [];
  const byStatus: Record<string, number> = {};
  let next = 0;
  let stopped = false;
  const more = () =>
    !stopped &&
    (options.total === undefined || next < options.total) &&
    (options.durationMs === undefined || Date.now() - startedAtMs < options.durationMs);

  const client = async () => {
    while (more()) {
      const index = next++;
      const sentAtMs = Date.now();
      let status: string;
      try {
        const answer = await options.api.post("/v1/requests", options.body(index));
        status = String(answer.status);
        if (answer.status === 202) accepted.push({ id: String(answer.body.id), index, sentAtMs, acceptedAtMs: Date.now() });
      } catch {
        status = "network";
        // Do not spin while the API is unreachable.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const pauseMs = Math.max(options.pauseMs ?? 0, status === "503" ? 20 : 0);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };

  const done = Promise.all(Array.from({ length: options.concurrency }, client)).then(() => ({
    sent: next,
    accepted,
    byStatus,
    durationMs: Date.now() - startedAtMs,
  }));
  return {
    accepted,
    byStatus,
    stop: () => {
      stopped = true;
    },
    done,
  };
}
