import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseSse, type ServerSentEvent } from "./parse-sse.js";

async function* fromChunks(chunks: Array<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const chunk of chunks) yield chunk;
}

async function parseAll(chunks: Array<Uint8Array | string>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseSse(fromChunks(chunks))) events.push(event);
  return events;
}

/** The bytes of `text`, cut at the given offsets. */
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

const recordedStream = readFileSync(new URL("./__fixtures__/message-stream-tool-use.txt", import.meta.url), "utf8");

describe("parseSse", () => {
  it("reads event names and data, skipping comments, ids, retry and unknown fields", async () => {
    expect(await parseAll([": keep-alive\n\nevent: ping\ndata: {}\nid: 3\nretry: 10\nfoo: bar\n\ndata: plain\n\n"])).toEqual([
      { event: "ping", data: "{}" },
      { event: "message", data: "plain" },
    ]);
  });

  it("joins multi-line data with \\n, removes one leading space, and reads a field without a colon as empty", async () => {
    expect(await parseAll(["data:  two spaces\ndata:none\ndata\n\n"])).toEqual([{ event: "message", data: " two spaces\nnone\n" }]);
  });

  it("accepts \\r\\n, \\r and \\n, also split across chunks, and drops a byte-order mark", async () => {
    expect(await parseAll(["\uFEFFdata: a\r", "\n\r", "\ndata: b\r\rdata: c\n\n"])).toEqual([
      { event: "message", data: "a" },
      { event: "message", data: "b" },
      { event: "message", data: "c" },
    ]);
  });

  it("discards an event the stream ends in the middle of", async () => {
    expect(await parseAll(["data: complete\n\ndata: cut"])).toEqual([{ event: "message", data: "complete" }]);
    expect(await parseAll(["data: complete\n\nevent: message_stop\ndata: {}\n"])).toEqual([{ event: "message", data: "complete" }]);
  });

  it("reads the recorded Anthropic stream the same however its bytes are cut", async () => {
    const whole = await parseAll([recordedStream]);
    expect(whole).toHaveLength(15);
    expect(whole[2]).toEqual({ event: "ping", data: '{"type": "ping"}' });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 30 }), async (offsets) => {
        expect(await parseAll(cutAt(recordedStream, offsets))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it("decodes a UTF-8 character split across chunks", async () => {
    const bytes = Buffer.from("data: 18°C ☀\n\n", "utf8");
    const pieces = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await parseAll(pieces)).toEqual([{ event: "message", data: "18°C ☀" }]);
  });
});
