import type { ServerResponse } from "node:http";

/** How a successful answer's body reaches the client; everything but `normal` is a fault knob. */
export type BodyMode = "normal" | "slow" | "partial" | "invalid_json";

/** What an `invalidJson` answer sends instead of the body: a 200 a misbehaving proxy might return. */
export const INVALID_JSON_BODY = "<!doctype html><title>provider-sim</title><p>invalidJson: this 200 is not JSON.</p>\n";
/** What replaces one event's data in an `invalidJson` stream. */
export const INVALID_JSON_EVENT_DATA = '{"provider-sim": invalidJson';

const SLOW_BODY_PIECES = 10;

export interface AnswerTimers {
  /** Registered so `close()` can cancel a trickle in progress. */
  pendingTimers: Set<NodeJS.Timeout>;
}

/** Sends a JSON (or non-JSON, for `invalid_json`) 200 body according to `mode`. */
export function writeJsonAnswer(
  response: ServerResponse,
  headers: Record<string, string>,
  payload: string,
  mode: BodyMode,
  slowBodyMs: number,
  timers: AnswerTimers,
): void {
  const body = Buffer.from(mode === "invalid_json" ? INVALID_JSON_BODY : payload, "utf8");
  response.writeHead(200, { ...headers, "content-length": body.length });
  if (mode === "normal" || mode === "invalid_json") {
    response.end(body);
    return;
  }
  if (mode === "partial") return cutAfter(response, body.subarray(0, Math.floor(body.length / 2)));
  trickle(response, splitBuffer(body, SLOW_BODY_PIECES), slowBodyMs, timers);
}

/** Sends a stream's serialised frames according to `mode` (`invalid_json` is applied before serialising). */
export function writeStreamAnswer(
  response: ServerResponse,
  headers: Record<string, string>,
  frames: readonly string[],
  mode: BodyMode,
  slowBodyMs: number,
  timers: AnswerTimers,
): void {
  response.writeHead(200, { ...headers, "cache-control": "no-cache" });
  if (mode === "normal" || mode === "invalid_json") {
    response.end(frames.join(""));
    return;
  }
  if (mode === "partial") return cutAfter(response, Buffer.from(frames.slice(0, Math.floor(frames.length / 2)).join("")));
  trickle(
    response,
    frames.map((frame) => Buffer.from(frame)),
    slowBodyMs,
    timers,
  );
}

/** Writes `head`, then destroys the connection once it is flushed: the client sees a body cut short. */
function cutAfter(response: ServerResponse, head: Buffer): void {
  if (head.length === 0) {
    response.flushHeaders();
    response.destroy();
    return;
  }
  response.write(head, () => response.destroy());
}

/** Writes the pieces spread evenly over `durationMs`, the first at once and the last at the end. */
function trickle(response: ServerResponse, pieces: readonly Buffer[], durationMs: number, timers: AnswerTimers): void {
  const intervalMs = pieces.length > 1 ? durationMs / (pieces.length - 1) : durationMs;
  let next = 0;
  const writeNext = () => {
    if (response.destroyed) return;
    const piece = pieces[next++];
    if (next >= pieces.length) {
      response.end(piece);
      return;
    }
    if (piece) response.write(piece);
    const timer = setTimeout(() => {
      timers.pendingTimers.delete(timer);
      writeNext();
    }, intervalMs);
    timers.pendingTimers.add(timer);
  };
  writeNext();
}

function splitBuffer(buffer: Buffer, count: number): Buffer[] {
  const size = Math.max(1, Math.ceil(buffer.length / count));
  const pieces: Buffer[] = [];
  for (let start = 0; start < buffer.length; start += size) pieces.push(buffer.subarray(start, start + size));
  return pieces.length > 0 ? pieces : [buffer];
}
