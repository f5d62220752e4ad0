import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiConversionError } from "./gemini-conversion-error.js";
import type { GeminiSchema, GeminiSchemaType } from "./gemini-schema.js";

/**
 * A JSON Schema (as OpenAI-format tools and `response_format.json_schema` carry it) → Gemini's `Schema`, an
 * OpenAPI 3.0 subset. The rules, so that a schema is either carried faithfully or refused with its path:
 *
 * - Carried: `type` (a `["T", "null"]` pair becomes `nullable`), `nullable`, `title`, `description`, `enum` (strings;
 *   a `null` member becomes `nullable`), `const` (a string, as a one-value enum), `properties`, `required`, `items`,
 *   `anyOf` (null branches become `nullable`), `minItems`/`maxItems`, `minLength`/`maxLength`,
 *   `minProperties`/`maxProperties`, `minimum`/`maximum`, `pattern`.
 * - Resolved: local `$ref`s (`#/$defs/X`, `#/definitions/X`) are inlined, as is a one-element `allOf` (how pydantic
 *   wraps a described reference). A recursive reference cannot be inlined and is refused.
 * - Relaxed: `additionalProperties: false`, which OpenAI's strict mode requires on every object, is dropped: Gemini's
 *   Schema cannot say it, and Gemini generates the declared properties. Any other `additionalProperties` is refused.
 * - Dropped as annotations (JSON Schema 2020-12 makes them assert nothing): `$schema`, `$id`, `$comment`,
 *   `examples`, `default`, `deprecated`, `readOnly`, `writeOnly`, `x-*` extensions, and `format`s Gemini does not
 *   know (it accepts only `enum`/`date-time` on strings, `float`/`double` on numbers, `int32`/`int64` on integers, and
 *   answers 400 to others).
 * - Refused (400): everything else: `oneOf`, `allOf` of several, `not`, `if`/`then`/`else`, `patternProperties`,
 *   `prefixItems`, `uniqueItems`, `multipleOf`, exclusive bounds, non-string enums, a type union other than with null.
 */
export function convertJsonSchemaToGeminiSchema(schema: unknown, context: ProviderErrorContext, path = "schema"): GeminiSchema {
  return new SchemaConverter(schema, context).convert(schema, path, []);
}

const GEMINI_FORMATS: Partial<Record<GeminiSchemaType, readonly string[]>> = {
  STRING: ["enum", "date-time"],
  NUMBER: ["float", "double"],
  INTEGER: ["int32", "int64"],
};
const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly"]);
const COUNTS = ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"] as const;
const JSON_TYPES: Record<string, GeminiSchemaType> = {
  string: "STRING",
  number: "NUMBER",
  integer: "INTEGER",
  boolean: "BOOLEAN",
  array: "ARRAY",
  object: "OBJECT",
};
const REFERENCE = /^#\/(\$defs|definitions)\/([^/]+)$/;

type JsonObject = Record<string, unknown>;

class SchemaConverter {
  constructor(
    private readonly root: unknown,
    private readonly context: ProviderErrorContext,
  ) {}

  convert(node: unknown, path: string, references: readonly string[]): GeminiSchema {
    if (!isJsonObject(node)) throw this.refuse(path, "is not a schema object (boolean schemas cannot be expressed)");
    const inlined = this.inline(node, path, references);
    if (inlined !== undefined) return inlined;

    const result: GeminiSchema = {};
    for (const [keyword, value] of Object.entries(node)) {
      const at = `${path}.${keyword}`;
      switch (keyword) {
        case "type":
          this.readType(value, at, result);
          break;
        case "nullable":
          if (typeof value !== "boolean") throw this.refuse(at, "must be a boolean");
          if (value) result.nullable = true;
          break;
        case "title":
        case "description":
        case "pattern":
          if (typeof value !== "string") throw this.refuse(at, "must be a string");
          result[keyword] = value;
          break;
        case "enum":
          this.readEnum(value, at, result);
          break;
        case "const":
          if (typeof value !== "string") throw this.refuse(at, "Gemini can only require a string value");
          result.enum = [value];
          break;
        case "properties":
          if (!isJsonObject(value)) throw this.refuse(at, "must be an object");
          result.properties = Object.fromEntries(
            Object.entries(value).map(([name, property]) => [name, this.convert(property, `${at}.${name}`, references)]),
          );
          break;
        case "required":
          if (!Array.isArray(value) || !value.every((name) => typeof name === "string")) throw this.refuse(at, "must list names");
          result.required = [...value];
          break;
        case "items":
          if (Array.isArray(value)) throw this.refuse(at, "tuple items cannot be expressed");
          result.items = this.convert(value, at, references);
          break;
        case "anyOf":
          this.readAnyOf(value, at, references, result);
          break;
        case "minimum":
        case "maximum":
          if (typeof value !== "number") throw this.refuse(at, "must be a number");
          result[keyword] = value;
          break;
        case "format":
          if (typeof value !== "string") throw this.refuse(at, "must be a string");
          result.format = value;
          break;
        case "additionalProperties":
          if (value !== false) throw this.refuse(at, "Gemini schemas cannot allow additional properties");
          break;
        case "$defs":
        case "definitions":
          if (node !== this.root) throw this.refuse(at, "definitions are only read at the schema's root");
          break;
        default:
          if ((COUNTS as readonly string[]).includes(keyword)) {
            if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw this.refuse(at, "must be a count");
            result[keyword as (typeof COUNTS)[number]] = value;
          } else if (!ANNOTATIONS.has(keyword) && !keyword.startsWith("x-")) {
            throw this.refuse(at, "cannot be expressed in a Gemini schema");
          }
      }
    }
    return finish(result, node);
  }

  /** `$ref` and one-element `allOf`: the target, converted, with the node's own description and title on top. */
  private inline(node: JsonObject, path: string, references: readonly string[]): GeminiSchema | undefined {
    let target: unknown;
    let nextReferences = references;
    let keyword: string;
    if (typeof node.$ref === "string") {
      keyword = "$ref";
      const match = REFERENCE.exec(node.$ref);
      const definitions = match && isJsonObject(this.root) ? this.root[match[1] as string] : undefined;
      target = match && isJsonObject(definitions) ? definitions[match[2] as string] : undefined;
      if (target === undefined) throw this.refuse(`${path}.$ref`, `"${node.$ref}" is not a local definition`);
      if (references.includes(node.$ref)) throw this.refuse(`${path}.$ref`, `"${node.$ref}" is recursive and cannot be inlined`);
      nextReferences = [...references, node.$ref];
    } else if (Array.isArray(node.allOf) && node.allOf.length === 1) {
      keyword = "allOf";
      target = node.allOf[0];
    } else if (node.allOf !== undefined) {
      throw this.refuse(`${path}.allOf`, "only a single-schema allOf can be expressed");
    } else {
      return undefined;
    }
    // zod-to-json-schema writes a root `{ "$ref": "#/definitions/X", "definitions": {...} }`: the root keeps its definitions.
    const isDefinitions = (key: string) => node === this.root && (key === "$defs" || key === "definitions");
    const siblings = Object.keys(node).filter((key) => key !== keyword && !ANNOTATIONS.has(key) && !key.startsWith("x-") && !isDefinitions(key));
    const misplaced = siblings.find((key) => key !== "description" && key !== "title");
    if (misplaced !== undefined) throw this.refuse(`${path}.${misplaced}`, `cannot be combined with ${keyword}`);
    const inlined = this.convert(target, `${path}.${keyword}`, nextReferences);
    if (typeof node.description === "string") inlined.description = node.description;
    if (typeof node.title === "string") inlined.title = node.title;
    return inlined;
  }

  private readType(value: unknown, path: string, result: GeminiSchema): void {
    const types = Array.isArray(value) ? value : [value];
    const named = types.filter((type) => type !== "null");
    if (named.length < types.length) result.nullable = true;
    if (named.length !== 1) throw this.refuse(path, "Gemini schemas have one type (optionally nullable)");
    const type = JSON_TYPES[String(named[0])];
    if (type === undefined) throw this.refuse(path, `unknown type ${JSON.stringify(named[0])}`);
    result.type = type;
  }

  private readEnum(value: unknown, path: string, result: GeminiSchema): void {
    if (!Array.isArray(value) || value.length === 0) throw this.refuse(path, "must be a non-empty list");
    const strings = value.filter((member) => member !== null);
    if (!strings.every((member) => typeof member === "string")) throw this.refuse(path, "Gemini enums hold strings only");
    if (strings.length < value.length) result.nullable = true;
    result.enum = strings as string[];
  }

  private readAnyOf(value: unknown, path: string, references: readonly string[], result: GeminiSchema): void {
    if (!Array.isArray(value) || value.length === 0) throw this.refuse(path, "must be a non-empty list");
    const isNull = (branch: unknown) => isJsonObject(branch) && branch.type === "null" && Object.keys(branch).length === 1;
    const branches = value.filter((branch) => !isNull(branch));
    if (branches.length < value.length) result.nullable = true;
    if (branches.length === 0) throw this.refuse(path, "a schema that only allows null cannot be expressed");
    if (branches.length === 1) {
      Object.assign(result, this.convert(branches[0], `${path}[0]`, references), result.nullable ? { nullable: true } : {});
      return;
    }
    result.anyOf = branches.map((branch, index) => this.convert(branch, `${path}[${index}]`, references));
  }

  private refuse(path: string, reason: string) {
    return geminiConversionError(`${path} ${reason}`, this.context);
  }
}

/** Infers the type Gemini needs from the keywords, keeps only formats Gemini accepts, marks string enums. */
function finish(result: GeminiSchema, node: JsonObject): GeminiSchema {
  if (result.type === undefined && result.anyOf === undefined) {
    if (node.properties !== undefined) result.type = "OBJECT";
    else if (node.items !== undefined) result.type = "ARRAY";
    else if (result.enum !== undefined) result.type = "STRING";
  }
  if (result.enum !== undefined && result.type === "STRING") result.format = "enum";
  else if (result.format !== undefined && !(result.type && GEMINI_FORMATS[result.type]?.includes(result.format))) {
    delete result.format;
  }
  return result;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
