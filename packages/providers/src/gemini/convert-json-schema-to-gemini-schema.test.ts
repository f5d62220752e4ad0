import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ProviderError } from "@switchyard/contracts";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.js";
import { convertGeminiSchemaToJsonSchema } from "./convert-gemini-schema-to-json-schema.js";
import { geminiSchemaSchema } from "./gemini-schema.js";
import { expressibleSchema } from "./json-schema-arbitraries.test-support.js";

const context = { provider: "gemini", deploymentId: "gemini-2-5-flash" };
const convert = (schema: unknown) => convertJsonSchemaToGeminiSchema(schema, context);

function refusal(schema: unknown): ProviderError {
  try {
    convert(schema);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(schema)} to be refused`);
}

describe("convertJsonSchemaToGeminiSchema", () => {
  it("converts an OpenAI strict-mode tool schema", () => {
    expect(
      convert({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: {
          location: { type: "string", description: "City and state" },
          unit: { type: ["string", "null"], enum: ["celsius", "fahrenheit", null] },
          days: { type: "integer", minimum: 1, maximum: 14, format: "int32" },
          when: { type: "string", format: "date-time" },
          email: { type: "string", format: "email" },
          tags: { type: "array", items: { type: "string" }, maxItems: 5 },
        },
        required: ["location", "unit", "days"],
        additionalProperties: false,
      }),
    ).toEqual({
      type: "OBJECT",
      properties: {
        location: { type: "STRING", description: "City and state" },
        unit: { type: "STRING", nullable: true, enum: ["celsius", "fahrenheit"], format: "enum" },
        days: { type: "INTEGER", minimum: 1, maximum: 14, format: "int32" },
        when: { type: "STRING", format: "date-time" },
        email: { type: "STRING" },
        tags: { type: "ARRAY", items: { type: "STRING" }, maxItems: 5 },
      },
      required: ["location", "unit", "days"],
    });
  });

  it("inlines local $refs and one-element allOf, keeping the referring description", () => {
    expect(
      convert({
        type: "object",
        properties: {
          home: { $ref: "#/$defs/Address", description: "Where they live" },
          work: { allOf: [{ $ref: "#/definitions/Address" }] },
        },
        $defs: { Address: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
        definitions: { Address: { type: "object", properties: { street: { type: "string" } } } },
      }),
    ).toEqual({
      type: "OBJECT",
      properties: {
        home: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"], description: "Where they live" },
        work: { type: "OBJECT", properties: { street: { type: "STRING" } } },
      },
    });
  });

  it("turns null branches of anyOf into nullable and keeps real unions", () => {
    expect(convert({ anyOf: [{ type: "string" }, { type: "null" }] })).toEqual({ type: "STRING", nullable: true });
    expect(convert({ anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] })).toEqual({
      nullable: true,
      anyOf: [{ type: "STRING" }, { type: "INTEGER" }],
    });
    expect(convert({ const: "fixed" })).toEqual({ type: "STRING", enum: ["fixed"], format: "enum" });
  });

  it.each([
    [{ type: "object", properties: { a: { type: "string" } }, additionalProperties: true }, "schema.additionalProperties"],
    [{ type: "object", additionalProperties: { type: "string" } }, "schema.additionalProperties"],
    [{ oneOf: [{ type: "string" }, { type: "number" }] }, "schema.oneOf"],
    [{ allOf: [{ type: "string" }, { minLength: 2 }] }, "schema.allOf"],
    [{ type: "string", not: { enum: ["x"] } }, "schema.not"],
    [{ type: "integer", enum: [1, 2] }, "schema.enum"],
    [{ type: "number", exclusiveMinimum: 0 }, "schema.exclusiveMinimum"],
    [{ type: "array", items: [{ type: "string" }] }, "schema.items"],
    [{ type: "array", items: { type: "string" }, uniqueItems: true }, "schema.uniqueItems"],
    [{ type: ["string", "number"] }, "schema.type"],
    [{ $ref: "https://example.com/schema.json" }, "schema.$ref"],
    [{ $ref: "#/$defs/Missing" }, "schema.$ref"],
    [{ $ref: "#/$defs/Node", $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } } }, "recursive"],
    [{ type: "object", properties: { a: { type: "string", $defs: {} } } }, "schema.properties.a.$defs"],
    [{ $ref: "#/$defs/A", minLength: 1, $defs: { A: { type: "string" } } }, "schema.minLength"],
    [true, "boolean schemas"],
  ] as const)("refuses %j (%s)", (schema, mentioned) => {
    const error = refusal(schema);
    expect(error.data).toMatchObject({ kind: "bad_request", retryable: false, provider: "gemini", deploymentId: "gemini-2-5-flash" });
    expect(error.message).toContain(mentioned);
  });

  it("names the path of what it refuses", () => {
    expect(refusal({ type: "object", properties: { items: { type: "array", items: { oneOf: [] } } } }).message).toBe(
      "schema.properties.items.items.oneOf cannot be expressed in a Gemini schema",
    );
  });

  it("writes schemas Gemini's own schema accepts, and reads them back unchanged (property)", () => {
    fc.assert(
      fc.property(expressibleSchema, (schema) => {
        const gemini = JSON.parse(JSON.stringify(convert(schema)));
        expect(geminiSchemaSchema.safeParse(gemini).success).toBe(true);
        expect(convertGeminiSchemaToJsonSchema(geminiSchemaSchema.parse(gemini))).toEqual(schema);
      }),
      { numRuns: 300 },
    );
  });
});

describe("convertGeminiSchemaToJsonSchema", () => {
  it("reads int64 counts written as strings, lower-case types and drops propertyOrdering", () => {
    expect(
      convertGeminiSchemaToJsonSchema(
        geminiSchemaSchema.parse({
          type: "object",
          properties: { names: { type: "ARRAY", items: { type: "STRING" }, minItems: "1", maxItems: "3" } },
          propertyOrdering: ["names"],
        }),
      ),
    ).toEqual({ type: "object", properties: { names: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 } } });
  });
});
