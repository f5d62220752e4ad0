/**
 * Plausible, deterministic arguments for a tool call, built from the tool's schema: every `required` property
 * (recursively) gets a value from its `enum`/`const`/`default`, or one chosen by type and by the property's
 * name (a `city` is "San Francisco, CA", a `date` is an ISO date). Accepts JSON Schema and Gemini's OpenAPI
 * subset (upper-case `type`s).
 */
export function exampleArguments(schema: unknown, topic: string): Record<string, unknown> {
  const value = valueFor("arguments", asSchema(schema), topic, 0);
  return isRecord(value) ? value : {};
}

type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;

function valueFor(name: string, schema: Schema, topic: string, depth: number): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("const" in schema) return schema.const;
  if (schema.default !== undefined) return schema.default;
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return valueFor(name, asSchema(variants[0]), topic, depth);

  switch (typeOf(schema)) {
    case "string":
      return exampleString(name, typeof schema.format === "string" ? schema.format : undefined, topic);
    case "integer":
      return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : 1;
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1.5;
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      if (depth >= MAX_DEPTH) return [];
      const count = typeof schema.minItems === "number" && schema.minItems > 1 ? schema.minItems : 1;
      return Array.from({ length: count }, () => valueFor(singular(name), asSchema(schema.items), topic, depth + 1));
    }
    case "object":
      return depth >= MAX_DEPTH ? {} : objectFor(schema, topic, depth + 1);
    default:
      return exampleString(name, undefined, topic);
  }
}

function objectFor(schema: Schema, topic: string, depth: number): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === "string") : [];
  const result: Record<string, unknown> = {};
  for (const key of required) result[key] = valueFor(key, asSchema(properties[key]), topic, depth);
  return result;
}

function typeOf(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== "null") : schema.type;
  if (typeof type === "string") return type.toLowerCase();
  if (isRecord(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

const FORMAT_EXAMPLES: Record<string, string> = {
  "date-time": "2025-01-15T09:30:00Z",
  date: "2025-01-15",
  time: "09:30:00",
  email: "ada@example.com",
  uri: "https://example.com",
  url: "https://example.com",
  uuid: "3f2b8c1e-7d4a-4e5b-9c6d-0a1b2c3d4e5f",
};

const NAME_EXAMPLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/location|city|place|address|where/, "San Francisco, CA"],
  [/country/, "US"],
  [/unit/, "celsius"],
  [/date|day/, "2025-01-15"],
  [/time/, "09:30"],
  [/email/, "ada@example.com"],
  [/url|link|uri/, "https://example.com"],
  [/lang/, "en"],
  [/currency/, "USD"],
  [/name/, "Ada Lovelace"],
  [/(^|_)id$|Id$/, "id_123"],
];

function exampleString(name: string, format: string | undefined, topic: string): string {
  if (format !== undefined && FORMAT_EXAMPLES[format] !== undefined) return FORMAT_EXAMPLES[format];
  if (/query|search|text|prompt|question|topic|^q$|message|content/i.test(name)) return topic.slice(0, 120) || "example";
  const lower = name.toLowerCase();
  for (const [pattern, example] of NAME_EXAMPLES) if (pattern.test(lower) || pattern.test(name)) return example;
  return `example ${name}`;
}

function singular(name: string): string {
  return name.endsWith("s") ? name.slice(0, -1) : name;
}

function asSchema(value: unknown): Schema {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
