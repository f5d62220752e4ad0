/**
 * A duration as Go's `time.Duration.String()` prints it, which is what OpenAI sends in `x-ratelimit-reset-*`
 * ("84ms", "1s", "1.5s", "6m0s", "1h0m0s"). Whole milliseconds are enough for a simulator.
 */
export function formatGoDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return "0s";
  if (whole < 1_000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = trimZeros(((whole % 60_000) / 1_000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
