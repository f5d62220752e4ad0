/** One dispatched server-sent event, with what an EventSource would hand a listener. */
export interface ServerSentEvent {
  /** The `event:` field; "message" when the event named none. */
  event: string;
  /** The event's `data:` lines, joined with "\n". An event with no `data:` line is never dispatched. */
  data: string;
  /** The last event ID the stream set with `id:`, carried over to later events; absent until one is set, and after an empty `id:`. */
  id?: string;
  /** The reconnection time in milliseconds the stream last set with `retry:` (ASCII digits only), carried over like `id`. */
  retry?: number;
}

/**
 * The server-sent events in a response body (an undici body, or any async iterable of bytes or text), parsed as
 * the WHATWG "event stream interpretation" says:
 *
 * - the bytes are UTF-8, decoded across chunk boundaries; one leading byte-order mark is dropped;
 * - lines end in `\r\n`, `\n` or `\r`, also when a chunk boundary falls between the `\r` and the `\n`;
 * - a line starting with `:` is a comment (a keep-alive); otherwise the field name runs to the first `:`, and
 *   one space after that colon is dropped from the value; a line without a colon is a field with an empty value;
 * - `data:` lines add to the event's data (joined with "\n"), `event:` names it, `id:` sets the last event ID
 *   unless the value holds a NUL, `retry:` sets the reconnection time if the value is all ASCII digits; other
 *   field names are ignored;
 * - a blank line dispatches the event, unless it has no `data:` line; the event name is reset either way, the
 *   last event ID and reconnection time are not.
 *
 * An event the stream ends in the middle of (no blank line after it yet, or an unterminated last line) is
 * discarded, as the spec says: a truncated stream must not look like a complete one. A `\r` that is the very last
 * character of the stream still ends its line. A `retry:` or `id:` after the last dispatched event is seen by no
 * event. String chunks are taken as already-decoded text; bytes of a character left incomplete before a string
 * chunk decode as U+FFFD.
 *
 * Stopping early (`break`, `return()`) closes the source iterator, which for a Node stream destroys it.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<ServerSentEvent, void, undefined> {
  // The byte-order mark is dropped by hand (below), the same for byte and string chunks.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const reader = new EventStreamReader();
  for await (const chunk of chunks) {
    yield* reader.read(typeof chunk === "string" ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true }), false);
  }
  yield* reader.read(decoder.decode(), true);
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = "\uFEFF";
const ASCII_DIGITS = /^[0-9]+$/;

/** The parser's state between chunks: the text after the last line end, and the fields of the event being read. */
class EventStreamReader {
  private buffer = "";
  /** The buffer before this index holds no line end, so a line spread over many chunks is scanned once. */
  private scanned = 0;
  private atStart = true;
  private dataLines: string[] = [];
  private eventType = "";
  private lastEventId: string | undefined;
  private reconnectionTimeMs: number | undefined;

  /** Reads decoded text and returns the events it completes; `final` when the stream has ended. */
  read(text: string, final: boolean): ServerSentEvent[] {
    if (this.atStart && text !== "") {
      this.atStart = false;
      if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
    }
    const buffer = this.buffer + text;
    const events: ServerSentEvent[] = [];
    let lineStart = 0;
    for (let index = this.scanned; index < buffer.length; index++) {
      const character = buffer.charCodeAt(index);
      if (character !== LINE_FEED && character !== CARRIAGE_RETURN) continue;
      // A `\r` last in the buffer may be the first half of a `\r\n`: the next chunk tells, or the stream's end.
      if (character === CARRIAGE_RETURN && index === buffer.length - 1 && !final) break;
      const event = this.line(buffer.slice(lineStart, index));
      if (character === CARRIAGE_RETURN && buffer.charCodeAt(index + 1) === LINE_FEED) index++;
      lineStart = index + 1;
      if (event !== undefined) events.push(event);
    }
    // At the end, text after the last line end is an unfinished line, and the event it belongs to is discarded.
    this.buffer = final ? "" : lineStart === 0 ? buffer : buffer.slice(lineStart);
    this.scanned = this.buffer.endsWith("\r") ? this.buffer.length - 1 : this.buffer.length;
    return events;
  }

  /** One line without its line end; returns the event a blank line dispatches. */
  private line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(line.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
    switch (field) {
      case "data":
        this.dataLines.push(value);
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value === "" ? undefined : value;
        break;
      case "retry":
        if (ASCII_DIGITS.test(value)) this.reconnectionTimeMs = Number.parseInt(value, 10);
        break;
      // Any other field name is ignored.
    }
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const { dataLines, eventType } = this;
    this.dataLines = [];
    this.eventType = "";
    if (dataLines.length === 0) return undefined;
    return {
      event: eventType === "" ? "message" : eventType,
      data: dataLines.join("\n"),
      ...(this.lastEventId === undefined ? {} : { id: this.lastEventId }),
      ...(this.reconnectionTimeMs === undefined ? {} : { retry: this.reconnectionTimeMs }),
    };
  }
}
