function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Our stored shapes are camelCase; the API speaks snake_case, like the provider APIs it stands in for.
 * Keys are renamed at every depth; values are left as they are.
 */
export function toSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnake);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snakeCase(key), toSnake(inner)]));
  }
  return value;
}
