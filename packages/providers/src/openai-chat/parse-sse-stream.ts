/** One dispatched server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field; "message" when the server named none. */
  event: string;
  /** The `data:` lines, joined with "\n". */
  data: string;
  /** The last `id:` the stream set, if any. */
  id?: string;
}

/**
 * Server-sent events from a body's chunks (an undici body, or any async iterable of bytes or text), parsed as
 * the WHATWG "event stream interpretation" says: lines end in `\r\n`, `\n` or `\r`; `:` starts a comment
 * (keep-alives); several `data:` lines make one event; a blank line dispatches it; an event the stream ends
 * in the middle of is discarded, never dispatched half-read. Chunk boundaries may fall anywhere, also between
 * `\r` and `\n` and inside a UTF-8 character.
 *
 * Stopping early (`return()`, `break`) closes the source iterator, which for a Node stream destroys it.
 */
export async function* parseSseStream(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  // Decodes UTF-8 across chunk boundaries, and drops a leading byte-order mark as the spec asks.
  const decoder = new TextDecoder();
  const event = new EventBuilder();
  let buffer = "";
  // Where the next line end may be: the buffer before it holds no line end, so long lines are scanned once.
  let searchFrom = 0;
  let atStart = true;

  for await (const chunk of chunks) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (atStart && text !== "") {
      if (text.startsWith("\uFEFF")) text = text.slice(1);
      atStart = false;
    }
    buffer += text;
    let lineStart = 0;
    for (let index = searchFrom; index < buffer.length; index++) {
      const character = buffer.charCodeAt(index);
      if (character !== LINE_FEED && character !== CARRIAGE_RETURN) continue;
      // A `\r` last in the buffer may be the first half of `\r\n`: wait for the next chunk to tell.
      if (character === CARRIAGE_RETURN && index === buffer.length - 1) break;
      const dispatched = event.line(buffer.slice(lineStart, index));
      if (character === CARRIAGE_RETURN && buffer.charCodeAt(index + 1) === LINE_FEED) index++;
      lineStart = index + 1;
      if (dispatched !== undefined) yield dispatched;
    }
    buffer = buffer.slice(lineStart);
    searchFrom = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length;
  }
  // Only a trailing `\r` can still complete a line; whatever follows the last line end is an unfinished line.
  const rest = buffer + decoder.decode();
  if (rest.endsWith("\r")) {
    const dispatched = event.line(rest.slice(0, -1));
    if (dispatched !== undefined) yield dispatched;
  }
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The fields of the event being read; `line` returns an event when a blank line dispatches one. */
class EventBuilder {
  private dataLines: string[] = [];
  private eventType = "";
  private lastEventId: string | undefined;

  line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.dataLines.push(value);
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      // `retry` (the reconnection delay) means nothing to a one-shot request; unknown fields are ignored.
    }
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const dataLines = this.dataLines;
    const eventType = this.eventType;
    this.dataLines = [];
    this.eventType = "";
    if (dataLines.length === 0) return undefined;
    return {
      event: eventType || "message",
      data: dataLines.join("\n"),
      ...(this.lastEventId === undefined ? {} : { id: this.lastEventId }),
    };
  }
}
