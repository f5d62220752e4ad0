import fc from "fast-check";

/** Property names as tools and response schemas use them. */
export const propertyName = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);

const description = fc.string({ maxLength: 12 });
const scalarType = fc.constantFrom("string", "number", "integer", "boolean");

/**
 * JSON Schemas inside the subset Gemini's `Schema` carries both ways, written the way JSON Schema writes them (lower-case
 * types, `["T", "null"]` for nullable, a nullable enum listing null last): what a round trip through Gemini must give back.
 */
export const { schema: expressibleSchema, object: expressibleObjectSchema } = fc.letrec<{
  schema: Record<string, unknown>;
  leaf: Record<string, unknown>;
  array: Record<string, unknown>;
  object: Record<string, unknown>;
}>((tie) => ({
  schema: fc.oneof({ maxDepth: 3, depthIdentifier: "schema" }, tie("leaf"), tie("array"), tie("object")),
  leaf: fc.oneof(
    fc.record({ type: scalarType, description }, { requiredKeys: ["type"] }),
    fc.record({ type: scalarType.map((type) => [type, "null"]), minimum: fc.integer({ min: -5, max: 5 }) }, { requiredKeys: ["type"] }),
    fc.record({ type: fc.constant("string"), enum: fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }) }),
    fc
      .uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 })
      .map((values) => ({ type: ["string", "null"], enum: [...values, null] })),
    fc.record({ type: fc.constant("string"), minLength: fc.nat(5), maxLength: fc.nat(50), pattern: fc.constant("^[a-z]+$") }),
  ),
  array: fc.record({ type: fc.constant("array"), items: tie("schema"), minItems: fc.nat(3) }, { requiredKeys: ["type", "items"] }),
  object: fc.dictionary(propertyName, tie("schema"), { minKeys: 1, maxKeys: 3 }).chain((properties) =>
    fc.record(
      { type: fc.constant("object"), properties: fc.constant(properties), required: fc.subarray(Object.keys(properties)), description },
      { requiredKeys: ["type", "properties"] },
    ),
  ),
}));
