/**
 * JSON text in which equal data is equal text: object keys sorted (by UTF-16 code unit, like
 * `Array.prototype.sort`) at every depth and `undefined` members dropped, as `JSON.stringify` drops them.
 * Meant for JSON-shaped data (what zod parsed from a request body); anything else is stringified as
 * `JSON.stringify` would.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  // `Object.fromEntries` defines own properties, so a `"__proto__"` key (which `JSON.parse` keeps as data)
  // stays data here too; assigning it would set the prototype and drop it from the text.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, (value as Record<string, unknown>)[key]] as const)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => [key, sortKeys(member)]),
  );
}
