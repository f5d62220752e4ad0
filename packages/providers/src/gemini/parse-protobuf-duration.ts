const DURATION = /^(\d+)(?:\.(\d{1,9}))?s$/;

/**
 * A `google.protobuf.Duration` in its JSON form ("46s", "0.5s", "1.000340012s") in whole milliseconds, rounded up so
 * that waiting that long is always enough. `undefined` when it is not one (negative durations included).
 */
export function parseProtobufDurationMs(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const nanos = Number((match[2] ?? "").padEnd(9, "0"));
  return seconds * 1000 + Math.ceil(nanos / 1_000_000);
}
