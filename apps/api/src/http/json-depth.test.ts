import { describe, expect, it } from "vitest";
import { jsonDepth, MAX_JSON_DEPTH, rejectDeepJson } from "./json-depth.js";

const depthOf = (text: string) => jsonDepth(Buffer.from(text));

describe("jsonDepth", () => {
  it("counts nesting outside strings only", () => {
    expect(depthOf("1")).toBe(0);
    expect(depthOf('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depthOf('{"a":"[[[[{{{{"}')).toBe(1);
    expect(depthOf('{"a":"quote \\" then [[[[ still a string"}')).toBe(1);
    expect(depthOf('["\\\\", [[]]]')).toBe(3);
    expect(depthOf('{"é😀":["[{"]}')).toBe(2);
  });

  it("stops counting once past the limit", () => {
    expect(jsonDepth(Buffer.from("[".repeat(1_000_000)), 10)).toBe(11);
  });

  it("rejects a body nested deeper than the limit with a 400, and lets the limit itself through", () => {
    const verify = rejectDeepJson();
    const nested = (levels: number) => Buffer.from("[".repeat(levels) + "]".repeat(levels));
    expect(() => verify({} as never, {} as never, nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => verify({} as never, {} as never, nested(MAX_JSON_DEPTH + 1))).toThrow(expect.objectContaining({ httpStatus: 400, code: "json_too_deep" }));
  });
});
