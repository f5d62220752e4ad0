import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

export type ReadBodyResult = { ok: true; text: string } | { ok: false; reason: "too_large" | "aborted" };

/** Reads a request body as UTF-8, giving up (without buffering more) once it passes `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<ReadBodyResult> {
  const declaredLength = Number(request.headers["content-length"]);
  if (declaredLength > limitBytes) {
    request.resume();
    return Promise.resolve({ ok: false, reason: "too_large" });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const onData = (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes > limitBytes) {
        request.off("data", onData);
        request.resume(); // drain and discard the rest; the 413 answer closes the connection
        resolve({ ok: false, reason: "too_large" });
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve({ ok: true, text: Buffer.concat(chunks, receivedBytes).toString("utf8") }));
    request.once("error", () => resolve({ ok: false, reason: "aborted" }));
    // After `end` this resolves nothing (a promise settles once); before it, the client went away.
    request.once("close", () => resolve({ ok: false, reason: "aborted" }));
  });
}

/** Parses JSON without throwing: `undefined` stands for "not JSON" since a JSON body can't be `undefined`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    ...headers,
    "content-length": Buffer.byteLength(payload),
  });
  response.end(payload);
}
