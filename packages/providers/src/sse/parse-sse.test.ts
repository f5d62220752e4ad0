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

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The bytes (or text) cut at the given offsets (taken modulo its length + 1, sorted, deduplicated). */
function cutAt<T extends Uint8Array | string>(whole: T, offsets: number[]): T[] {
  const cuts = [...new Set(offsets.map((offset) => offset % (whole.length + 1)))].sort((left, right) => left - right);
  const pieces: T[] = [];
  let start = 0;
  for (const cut of [...cuts, whole.length]) {
    pieces.push((typeof whole === "string" ? whole.slice(start, cut) : whole.subarray(start, cut)) as T);
    start = cut;
  }
  return pieces;
}

/**
 * The spec's algorithm, written the plain way over the whole text at once: the oracle the streaming parser must
 * agree with however its input is chunked.
 */
function referenceParse(text: string): ServerSentEvent[] {
  const lines = (text.startsWith("\uFEFF") ? text.slice(1) : text).split(/\r\n|\r|\n/);
  lines.pop(); // the text after the last line end is an unfinished line
  const events: ServerSentEvent[] = [];
  let data: string[] = [];
  let type = "";
  let id: string | undefined;
  let retry: number | undefined;
  for (const line of lines) {
    if (line === "") {
      if (data.length > 0) {
        events.push({ event: type || "message", data: data.join("\n"), ...(id ? { id } : {}), ...(retry === undefined ? {} : { retry }) });
      }
      data = [];
      type = "";
      continue;
    }
    if (line.startsWith(":")) continue;
    const match = /^([^:]*)(?::(.*))?$/s.exec(line)!;
    const field = match[1];
    const value = (match[2] ?? "").replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "event") type = value;
    else if (field === "id" && !value.includes("\0")) id = value;
    else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
  }
  return events;
}

/** Text made mostly of event-stream lines, with multibyte characters, byte-order marks, NULs and odd line ends. */
const eventStreamText = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.constantFrom("data", "data", "event", "id", "retry", "Data", "", "x"),
            fc.constantFrom(":", ": ", ":  ", "", ":\uFEFF"),
            fc.oneof(
              fc.constantFrom("", "x", "42", "é", "—b", "☀", "😀", "\0", "[DONE]", '{"a":1}', ":"),
              fc.string({ unit: "grapheme", maxLength: 6 }),
            ),
            fc.constantFrom("\n", "\r", "\r\n", "\n\n", "\r\r", "\r\n\r\n", ""),
          )
          .map((parts) => parts.join("")),
      },
      { weight: 1, arbitrary: fc.constantFrom("\n", "\r", "\r\n", "\uFEFF", ":", " ") },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(""));

const openAiStream = readFileSync(new URL("../openai-chat/__fixtures__/chat-stream.txt", import.meta.url), "utf8");
const anthropicStream = readFileSync(new URL("../anthropic-messages/__fixtures__/message-stream-tool-use.txt", import.meta.url), "utf8");
const geminiStream = readFileSync(new URL("../gemini/__fixtures__/stream-text-200.sse", import.meta.url));

describe("parseSse", () => {
  describe("fields", () => {
    it("reads data events, skipping comments and unknown fields", async () => {
      expect(await parseAll([": keep-alive\n\ndata: one\nfoo: bar\nData: not data\n\n:ping\ndata: two\n\n"])).toEqual([
        { event: "message", data: "one" },
        { event: "message", data: "two" },
      ]);
    });

    it("names events, and resets the name after each event", async () => {
      expect(await parseAll(["event: ping\ndata: {}\n\ndata: plain\n\nevent: error\nevent: update\ndata: x\n\n"])).toEqual([
        { event: "ping", data: "{}" },
        { event: "message", data: "plain" },
        { event: "update", data: "x" },
      ]);
    });

    it("joins multi-line data with \\n, removes one leading space only, and reads a field without a colon as empty", async () => {
      expect(await parseAll(["data:  two spaces\ndata:none\ndata: a:b\ndata:\ttab\ndata\n\n"])).toEqual([
        { event: "message", data: " two spaces\nnone\na:b\n\ttab\n" },
      ]);
      expect(await parseAll(['data: {"a":\ndata:  1}\n\ndata\n\n'])).toEqual([
        { event: "message", data: '{"a":\n 1}' },
        { event: "message", data: "" },
      ]);
    });

    it("keeps the last event ID across events, ignores one holding a NUL, and clears it on an empty id", async () => {
      expect(await parseAll(["event: error\nid: 7\ndata: a\n\ndata: b\n\nid: 8\0\ndata: c\n\nid\ndata: d\n\nid: 9\ndata: e\n\n"])).toEqual([
        { event: "error", data: "a", id: "7" },
        { event: "message", data: "b", id: "7" },
        { event: "message", data: "c", id: "7" },
        { event: "message", data: "d" },
        { event: "message", data: "e", id: "9" },
      ]);
    });

    it("keeps the reconnection time of a retry field that is all ASCII digits, across events", async () => {
      const stream = "data: a\nretry: 1000\n\nretry: 10a\ndata: b\n\nretry: -1\nretry: 1.5\nretry:\nretry:  20\ndata: c\n\nretry:3\n\ndata: d\n\n";
      expect(await parseAll([stream])).toEqual([
        { event: "message", data: "a", retry: 1000 },
        { event: "message", data: "b", retry: 1000 },
        { event: "message", data: "c", retry: 1000 },
        { event: "message", data: "d", retry: 3 },
      ]);
    });

    it("dispatches no event without data, and lets no name leak from one into the next", async () => {
      expect(await parseAll(["\n\nevent: ping\n\nid: 1\nretry: 5\n\n:only a comment\n\ndata: x\n\n"])).toEqual([
        { event: "message", data: "x", id: "1", retry: 5 },
      ]);
    });

    it("reads the id and retry lines Anthropic and Gemini never send, alongside event names", async () => {
      expect(await parseAll([": keep-alive\n\nevent: ping\ndata: {}\nid: 3\nretry: 10\nfoo: bar\n\ndata: plain\n\n"])).toEqual([
        { event: "ping", data: "{}", id: "3", retry: 10 },
        { event: "message", data: "plain", id: "3", retry: 10 },
      ]);
      const chunks = [": keep-alive\n", "event: update\nid: 7\nretry: 10\ndata: a\ndata:b\ndata\n\n", "data: only\r\rdata:  two spaces\n\n"];
      expect(await parseAll(chunks)).toEqual([
        { event: "update", data: "a\nb\n", id: "7", retry: 10 },
        { event: "message", data: "only", id: "7", retry: 10 },
        { event: "message", data: " two spaces", id: "7", retry: 10 },
      ]);
    });
  });

  describe("lines and bytes", () => {
    it("accepts \\r\\n, \\r and \\n line ends, also mixed", async () => {
      expect(await parseAll(["data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n"])).toEqual([
        { event: "message", data: "a" },
        { event: "message", data: "b" },
        { event: "message", data: "c" },
        { event: "message", data: "d" },
      ]);
    });

    it("does not read a \\r\\n split across chunks as two line ends", async () => {
      // Read as two line ends, "data: a\r" + "\ndata: b" would dispatch "a" and then start a new event.
      expect(await parseAll(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual([{ event: "message", data: "a\nb" }]);
      expect(await parseAll(["data: a\r", "\n\r", "\ndata: b\r\rdata: c\n\n"])).toEqual([
        { event: "message", data: "a" },
        { event: "message", data: "b" },
        { event: "message", data: "c" },
      ]);
    });

    it("ends a line at a \\r that is the very last character of the stream", async () => {
      expect(await parseAll(["data: a\r\r"])).toEqual([{ event: "message", data: "a" }]);
      expect(await parseAll(["data: a\r", "\r", ""])).toEqual([{ event: "message", data: "a" }]);
    });

    it("ends a held-back \\r's line even when the stream ends in a broken UTF-8 character", async () => {
      expect(await parseAll(["data: a\r", Uint8Array.of(0x0d, 0xe2)])).toEqual([{ event: "message", data: "a" }]);
    });

    it("discards an event the stream ends in the middle of", async () => {
      expect(await parseAll(['data: complete\n\ndata: {"cut":'])).toEqual([{ event: "message", data: "complete" }]);
      expect(await parseAll(["data: complete\n\n", "data: no blank line after me\n"])).toEqual([{ event: "message", data: "complete" }]);
      expect(await parseAll(["data: complete\n\nevent: message_stop\ndata: {}\n"])).toEqual([{ event: "message", data: "complete" }]);
      expect(await parseAll(["data: complete\n\ndata: x\r\n\r"])).toEqual([
        { event: "message", data: "complete" },
        { event: "message", data: "x" },
      ]);
      expect(await parseAll([])).toEqual([]);
    });

    it("drops one leading byte-order mark, in text or in bytes, split or not, and no other", async () => {
      const bom = [0xef, 0xbb, 0xbf];
      expect(await parseAll(["\uFEFFdata: a\n\n"])).toEqual([{ event: "message", data: "a" }]);
      expect(await parseAll(["", "\uFEFF", "data: a\n\n"])).toEqual([{ event: "message", data: "a" }]);
      expect(await parseAll([Uint8Array.from([...bom, ...encode("data: x\n\n")])])).toEqual([{ event: "message", data: "x" }]);
      expect(await parseAll([Uint8Array.of(0xef), Uint8Array.of(0xbb), Uint8Array.from([0xbf, ...encode("data: x\n\n")])])).toEqual([
        { event: "message", data: "x" },
      ]);
      // A second mark is part of the first line's field name, which is then no field at all.
      expect(await parseAll([Uint8Array.from([...bom, ...bom, ...encode("data: x\n\ndata: y\n\n")])])).toEqual([
        { event: "message", data: "y" },
      ]);
      // A mark anywhere else is text.
      expect(await parseAll(["data: \uFEFFx\n\n"])).toEqual([{ event: "message", data: "\uFEFFx" }]);
    });

    it("decodes a UTF-8 character split across chunks", async () => {
      const bytes = encode("data: a—b\n\n");
      const dash = bytes.indexOf(0xe2);
      expect(await parseAll([bytes.subarray(0, dash + 1), bytes.subarray(dash + 1, dash + 2), bytes.subarray(dash + 2)])).toEqual([
        { event: "message", data: "a—b" },
      ]);
      expect(await parseAll(Array.from(encode("data: 18°C ☀ 😀\n\n"), (byte) => Uint8Array.of(byte)))).toEqual([
        { event: "message", data: "18°C ☀ 😀" },
      ]);
    });

    it("takes string chunks as text, and decodes bytes left incomplete before one as U+FFFD", async () => {
      expect(await parseAll(["data: a", encode("—b\n"), "\n"])).toEqual([{ event: "message", data: "a—b" }]);
      expect(await parseAll([encode("data: a"), Uint8Array.of(0xe2), "b\n\n"])).toEqual([{ event: "message", data: "a\uFFFDb" }]);
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
      for await (const event of parseSse(source())) {
        expect(event.data).toBe("1");
        break;
      }
      expect(closed).toBe(true);
    });
  });

  describe("recorded streams", () => {
    it("reads OpenAI's recorded stream, up to its [DONE]", async () => {
      const events = await parseAll([openAiStream]);
      expect(events).toHaveLength(23);
      expect(events.at(-1)).toEqual({ event: "message", data: "[DONE]" });
    });

    it("reads Anthropic's recorded stream, with its event names", async () => {
      const events = await parseAll([anthropicStream]);
      expect(events).toHaveLength(15);
      expect(events[2]).toEqual({ event: "ping", data: '{"type": "ping"}' });
    });

    it("reads Gemini's recorded stream (CRLF line ends)", async () => {
      const events = await parseAll([geminiStream]);
      expect(events).toHaveLength(3);
      expect(events.every((event) => event.event === "message")).toBe(true);
      expect(JSON.parse(events[2]?.data ?? "").candidates[0].finishReason).toBe("STOP");
    });

    it.each([
      { name: "OpenAI's", text: openAiStream },
      { name: "Anthropic's", text: anthropicStream },
      { name: "Gemini's", text: geminiStream.toString("utf8") },
    ])("reads $name recorded stream the same however its bytes are cut, with any line ends", async ({ text }) => {
      const whole = await parseAll([text]);
      const lf = text.replaceAll("\r\n", "\n");
      const variants = [lf, lf.replaceAll("\n", "\r\n"), lf.replaceAll("\n", "\r")];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...variants), fc.array(fc.nat(), { maxLength: 40 }), async (variant, offsets) => {
          expect(await parseAll(cutAt(encode(variant), offsets))).toEqual(whole);
        }),
        { numRuns: 100 },
      );
    });

    it("reads a recorded stream one byte at a time", async () => {
      const pieces = Array.from(encode(openAiStream.replaceAll("\n", "\r\n")), (byte) => Uint8Array.of(byte));
      expect(await parseAll(pieces)).toEqual(await parseAll([openAiStream]));
    });
  });

  describe("properties", () => {
    it("yields the same events however the same bytes are chunked", async () => {
      await fc.assert(
        fc.asyncProperty(eventStreamText, fc.array(fc.nat(), { maxLength: 20 }), async (text, offsets) => {
          const bytes = encode(text);
          expect(await parseAll(cutAt(bytes, offsets))).toEqual(await parseAll([bytes]));
        }),
        { numRuns: 500 },
      );
    });

    it("agrees with the plain reading of the spec, for bytes or text cut anywhere", async () => {
      await fc.assert(
        fc.asyncProperty(eventStreamText, fc.array(fc.nat(), { maxLength: 20 }), fc.boolean(), async (text, offsets, asBytes) => {
          const chunks = asBytes ? cutAt(encode(text), offsets) : cutAt(text, offsets);
          expect(await parseAll(chunks)).toEqual(referenceParse(text));
        }),
        { numRuns: 500 },
      );
    });

    it("returns the events it was given, serialized with any line ends and comments, however cut", async () => {
      const value = fc.string({ unit: "grapheme", maxLength: 12 }).filter((text) => !/[\r\n]/.test(text));
      const lineEnd = fc.constantFrom("\n", "\r\n", "\r");
      const event = fc.record({
        type: fc.option(value.filter((text) => text !== ""), { nil: undefined }),
        comment: fc.option(value, { nil: undefined }),
        data: fc.array(value, { minLength: 1, maxLength: 3 }),
        // One line end per event: a `\r` line end followed by a `\n` one would be a single `\r\n`.
        end: lineEnd,
      });
      await fc.assert(
        fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), async (events, cuts) => {
          const text = events
            .map(
              ({ type, comment, data, end }) =>
                (comment === undefined ? "" : `:${comment}${end}`) +
                (type === undefined ? "" : `event: ${type}${end}`) +
                data.map((line) => `data: ${line}${end}`).join("") +
                end,
            )
            .join("");
          const expected = events.map(({ type, data }) => ({ event: type ?? "message", data: data.join("\n") }));
          expect(await parseAll(cutAt(encode(text), cuts))).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    });
  });
});
