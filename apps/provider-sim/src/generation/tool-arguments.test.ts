import { describe, expect, it } from "vitest";
import { exampleArguments } from "./tool-arguments.js";

describe("exampleArguments", () => {
  it("fills every required property with a plausible value by enum, name, format and type", () => {
    const schema = {
      type: "object",
      properties: {
        location: { type: "string" },
        unit: { type: "string", enum: ["fahrenheit", "celsius"] },
        days: { type: "integer", minimum: 3 },
        when: { type: "string", format: "date" },
        verbose: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
        filter: { type: "object", properties: { query: { type: "string" }, page: { type: "number" } }, required: ["query"] },
        optional: { type: "string" },
      },
      required: ["location", "unit", "days", "when", "verbose", "tags", "filter"],
    };
    expect(exampleArguments(schema, "retry policies")).toEqual({
      location: "San Francisco, CA",
      unit: "fahrenheit",
      days: 3,
      when: "2025-01-15",
      verbose: true,
      tags: ["example tag"],
      filter: { query: "retry policies" },
    });
  });

  it("reads Gemini's upper-case OpenAPI types", () => {
    const schema = { type: "OBJECT", properties: { city: { type: "STRING" }, count: { type: "INTEGER" } }, required: ["city", "count"] };
    expect(exampleArguments(schema, "")).toEqual({ city: "San Francisco, CA", count: 1 });
  });

  it("answers {} for a schema without required properties or no schema at all", () => {
    expect(exampleArguments({ type: "object", properties: { a: { type: "string" } } }, "x")).toEqual({});
    expect(exampleArguments(undefined, "x")).toEqual({});
  });
});
