import type { GeminiSchema } from "./gemini-schema.js";

/**
 * Gemini's `Schema` → JSON Schema, the inverse of `convertJsonSchemaToGeminiSchema` for everything that carries:
 * `nullable` becomes a `["T", "null"]` type (or a null branch of `anyOf`), the `enum` format disappears into `enum`,
 * int64 counts written as strings become numbers. `propertyOrdering` has no JSON Schema equivalent and only orders
 * generation, so it stays behind.
 */
export function convertGeminiSchemaToJsonSchema(schema: GeminiSchema): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (schema.anyOf !== undefined) {
    const branches = schema.anyOf.map(convertGeminiSchemaToJsonSchema);
    result.anyOf = schema.nullable ? [...branches, { type: "null" }] : branches;
  }
  if (schema.type !== undefined) {
    const type = schema.type.toLowerCase();
    result.type = schema.nullable && schema.anyOf === undefined ? [type, "null"] : type;
  } else if (schema.nullable && schema.anyOf === undefined) {
    result.nullable = true;
  }
  if (schema.format !== undefined && !(schema.format === "enum" && schema.enum !== undefined)) result.format = schema.format;
  if (schema.title !== undefined) result.title = schema.title;
  if (schema.description !== undefined) result.description = schema.description;
  // JSON Schema checks `enum` on its own, so a nullable enum must list null to allow it.
  if (schema.enum !== undefined) result.enum = schema.nullable ? [...schema.enum, null] : [...schema.enum];
  if (schema.properties !== undefined) {
    result.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, convertGeminiSchemaToJsonSchema(property)]),
    );
  }
  if (schema.required !== undefined) result.required = [...schema.required];
  if (schema.items !== undefined) result.items = convertGeminiSchemaToJsonSchema(schema.items);
  for (const count of ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"] as const) {
    const value = schema[count];
    if (value !== undefined) result[count] = Number(value);
  }
  if (schema.minimum !== undefined) result.minimum = schema.minimum;
  if (schema.maximum !== undefined) result.maximum = schema.maximum;
  if (schema.pattern !== undefined) result.pattern = schema.pattern;
  return result;
}
