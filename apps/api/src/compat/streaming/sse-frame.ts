/**
 * One server-sent event: an optional `event:` line and one `data:` line. The data is JSON (or `[DONE]`), which
 * never contains a raw newline, so one `data:` line always carries it whole.
 */
export function sseFrame(data: string, event?: string): string {
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${data}\n\n`;
}
