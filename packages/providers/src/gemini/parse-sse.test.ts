import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { parseSse, type SseEvent } from "./parse-sse.js";

async function collect(chunks: Array<Uint8Array | string>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of parseSse(toAsync(chunks))) events.push(event);
  return events;
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** The bytes cut at the given offsets. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  return chunks;
}

describe("parseSse", () => {
  it("reads Gemini's recorded stream (CRLF line ends)", async () => {
    const bytes = readFileSync(new URL("./__fixtures__/stream-text-200.sse", import.meta.url));
    const events = await collect([bytes]);
    expect(events).toHaveLength(3);
    expect(events.every((event) => event.event === "message")).toBe(true);
    expect(JSON.parse(events[2]?.data ?? "").candidates[0].finishReason).toBe("STOP");
  });

  it("joins data lines, names events, skips comments and fields it does not use", async () => {
    expect(
      await collect([": keep-alive\n", "event: update\nid: 7\nretry: 10\ndata: a\ndata:b\ndata\n\n", "data: only\r\rdata:  two spaces\n\n"]),
    ).toEqual([
      { event: "update", data: "a\nb\n" },
      { event: "message", data: "only" },
      { event: "message", data: " two spaces" },
    ]);
  });

  it("never dispatches an event the stream ends in the middle of", async () => {
    expect(await collect(["data: done\n\n", "data: half"])).toEqual([{ event: "message", data: "done" }]);
    expect(await collect(["data: done\n\n", "data: no blank line\n"])).toEqual([{ event: "message", data: "done" }]);
    // A final `\r` still ends its line.
    expect(await collect(["data: last\r\r"])).toEqual([{ event: "message", data: "last" }]);
  });

  it("drops a byte-order mark", async () => {
    expect(await collect([new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("data: x\n\n")])])).toEqual([{ event: "message", data: "x" }]);
  });

  it("reads the same events however the bytes are cut, inside CRLF and UTF-8 characters too (property)", async () => {
    const line = fc.string({ unit: "grapheme", maxLength: 12 }).filter((text) => !/[\r\n]/.test(text));
    const stream = fc.array(
      fc.record({ data: fc.array(line, { minLength: 1, maxLength: 3 }), lineEnd: fc.constantFrom("\n", "\r\n", "\r") }),
      { minLength: 1, maxLength: 5 },
    );
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 12 }), async (events, cuts) => {
        const text = events.map(({ data, lineEnd }) => data.map((value) => `data: ${value}${lineEnd}`).join("") + lineEnd).join("");
        const expected = events.map(({ data }) => ({ event: "message", data: data.join("\n") }));
        expect(await collect(split(new TextEncoder().encode(text), cuts))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
