import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseSseStream, type ServerSentEvent } from "./parse-sse-stream.js";

async function* fromChunks(chunks: Array<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const chunk of chunks) yield chunk;
}

async function parseAll(chunks: Array<Uint8Array | string>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseSseStream(fromChunks(chunks))) events.push(event);
  return events;
}

/** The bytes of `text`, cut at the given offsets (sorted, deduplicated, within bounds). */
function cutAt(text: string, offsets: number[]): Uint8Array[] {
  const bytes = Buffer.from(text, "utf8");
  const cuts = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((left, right) => left - right);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  return pieces;
}

const recordedStream = readFileSync(new URL("./__fixtures__/chat-stream.txt", import.meta.url), "utf8");

describe("parseSseStream", () => {
  it("reads data events and ignores comments, unknown fields and retry", async () => {
    const events = await parseAll([": keep-alive\n\ndata: one\nretry: 1000\nfoo: bar\n\n:ping\ndata: two\n\n"]);
    expect(events).toEqual([
      { event: "message", data: "one" },
      { event: "message", data: "two" },
    ]);
  });

  it("joins multi-line data with \\n, and keeps event names and ids", async () => {
    const events = await parseAll(["event: error\nid: 7\ndata: {\"a\":\ndata:  1}\n\ndata\n\n"]);
    expect(events).toEqual([
      // Only one leading space is removed from a value.
      { event: "error", data: '{"a":\n 1}', id: "7" },
      // A field with no colon has an empty value; the id persists across events, the name does not.
      { event: "message", data: "", id: "7" },
    ]);
  });

  it("accepts \\r\\n, \\r and \\n line ends, also mixed, and drops a byte-order mark", async () => {
    expect(await parseAll(["\uFEFFdata: a\r\n\r\ndata: b\r\rdata: c\n\n"])).toEqual([
      { event: "message", data: "a" },
      { event: "message", data: "b" },
      { event: "message", data: "c" },
    ]);
  });

  it("does not read a \\r\\n split across chunks as two line ends", async () => {
    // Read as two line ends, "data: a\r" + "\ndata: b" would dispatch "a" and then start a new event.
    expect(await parseAll(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("ends an event at a \\r that is the very last byte of the stream", async () => {
    expect(await parseAll(["data: a\r\r"])).toEqual([{ event: "message", data: "a" }]);
  });

  it("discards an event the stream ends in the middle of", async () => {
    expect(await parseAll(["data: complete\n\ndata: {\"cut\":"])).toEqual([{ event: "message", data: "complete" }]);
    expect(await parseAll(["data: no blank line after me\n"])).toEqual([]);
  });

  it("decodes a UTF-8 character split across chunks", async () => {
    const bytes = Buffer.from("data: a—b\n\n", "utf8");
    const dash = bytes.indexOf(0xe2);
    expect(await parseAll([bytes.subarray(0, dash + 1), bytes.subarray(dash + 1, dash + 2), bytes.subarray(dash + 2)])).toEqual([
      { event: "message", data: "a—b" },
    ]);
  });

  it("parses a recorded stream the same however its bytes are chunked", async () => {
    const whole = await parseAll([recordedStream]);
    expect(whole).toHaveLength(23);
    expect(whole.at(-1)).toEqual({ event: "message", data: "[DONE]" });
    const crlf = recordedStream.replaceAll("\n", "\r\n");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), async (offsets, useCrlf) => {
        expect(await parseAll(cutAt(useCrlf ? crlf : recordedStream, offsets))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it("reads one byte at a time", async () => {
    const bytes = Buffer.from(recordedStream.replaceAll("\n", "\r\n"), "utf8");
    const pieces = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await parseAll(pieces)).toEqual(await parseAll([recordedStream]));
  });

  it("closes its source when the consumer stops early", async () => {
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      try {
        yield "data: 1\n\n";
        yield "data: 2\n\n";
      } finally {
        closed = true;
      }
    }
    for await (const event of parseSseStream(source())) {
      expect(event.data).toBe("1");
      break;
    }
    expect(closed).toBe(true);
  });
});
