/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field; "message" when the server named none (Gemini never does). */
  event: string;
  /** The `data:` lines, joined with "\n". */
  data: string;
}

/** A line end, except a `\r` last in the buffer: it may be the first half of a `\r\n` split across chunks. */
const LINE_END = /\r\n|\r(?!$)|\n/;

/**
 * Server-sent events from a body's chunks, as the WHATWG event-stream rules read them: lines end in `\r\n`
 * (Gemini's), `\n` or `\r`; `:` starts a comment; several `data:` lines make one event; a blank line dispatches it;
 * an event the stream ends in the middle of is never dispatched. Chunks may split anywhere, also inside a UTF-8
 * character. Stopping early closes the source iterator, which for a Node stream destroys it.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = "";
  let dataLines: string[] = [];
  let eventType = "";

  const readLine = (line: string): SseEvent | undefined => {
    if (line === "") {
      const event = dataLines.length === 0 ? undefined : { event: eventType || "message", data: dataLines.join("\n") };
      dataLines = [];
      eventType = "";
      return event;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(line.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
    if (field === "data") dataLines.push(value);
    else if (field === "event") eventType = value;
    // `id` and `retry` serve reconnection, which a one-shot request never does; unknown fields are ignored.
    return undefined;
  };

  for await (const chunk of chunks) {
    // TextDecoder drops a leading byte-order mark, as the spec asks.
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    const lines = buffer.split(LINE_END);
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const event = readLine(line);
      if (event !== undefined) yield event;
    }
  }
  buffer += decoder.decode();
  // Only a held-back `\r` can still end a line; text after the last line end is an unfinished line.
  if (buffer.endsWith("\r")) {
    const event = readLine(buffer.slice(0, -1));
    if (event !== undefined) yield event;
  }
}
