/** One dispatched server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field; "message" when the server named none. */
  event: string;
  /** The `data:` lines, joined with "\n". */
  data: string;
}

/**
 * Server-sent events from a body's chunks (an undici body, or any async iterable of bytes or text), read as the
 * WHATWG "event stream interpretation" says, as far as a one-shot request needs: lines end in `\r\n`, `\n` or
 * `\r`; a line starting with `:` is a comment (keep-alive); several `data:` lines make one event; a blank line
 * dispatches it; `id` and `retry` (reconnection) are ignored. Chunk boundaries may fall anywhere, also between
 * `\r` and `\n` and inside a UTF-8 character. An event the stream ends in the middle of is discarded, never
 * dispatched half-read: a truncated stream must not look like a complete one.
 *
 * Stopping early (`break`, `return()`) closes the source iterator, which for a Node stream destroys it.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<ServerSentEvent, void, undefined> {
  // Decodes UTF-8 across chunk boundaries, and drops a leading byte-order mark as the spec asks.
  const decoder = new TextDecoder();
  let buffer = "";
  // Where the next line end may be: the buffer before it holds none, so a line spread over many chunks is scanned once.
  let searchFrom = 0;
  let atStart = true;
  let dataLines: string[] = [];
  let eventType = "";

  const readLine = (line: string): ServerSentEvent | undefined => {
    if (line === "") {
      const dispatched = dataLines.length === 0 ? undefined : { event: eventType || "message", data: dataLines.join("\n") };
      dataLines = [];
      eventType = "";
      return dispatched;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
    if (field === "data") dataLines.push(value);
    else if (field === "event") eventType = value;
    return undefined;
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (atStart && text !== "") {
      if (text.startsWith("\uFEFF")) text = text.slice(1);
      atStart = false;
    }
    buffer += text;
    let lineStart = 0;
    for (let index = searchFrom; index < buffer.length; index++) {
      const character = buffer[index];
      if (character !== "\n" && character !== "\r") continue;
      // A `\r` last in the buffer may be the first half of `\r\n`: wait for the next chunk to tell.
      if (character === "\r" && index === buffer.length - 1) break;
      const event = readLine(buffer.slice(lineStart, index));
      if (character === "\r" && buffer[index + 1] === "\n") index++;
      lineStart = index + 1;
      if (event !== undefined) yield event;
    }
    buffer = buffer.slice(lineStart);
    searchFrom = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length;
  }
  // Only a trailing `\r` can still end a line; text after the last line end is an unfinished line.
  buffer += decoder.decode();
  if (buffer.endsWith("\r")) {
    const event = readLine(buffer.slice(0, -1));
    if (event !== undefined) yield event;
  }
}
