import { Pool } from "undici";
import { percentile } from "./stats.js";

export const BENCH_BODY = {
  model: "gpt-4.1-mini",
  messages: [{ role: "user", content: "What is the capital of France?" }],
  max_tokens: 64,
};

/** Baseline: the provider simulator called directly, with no orchestration in between. */
export async function directCall(simUrl: string, requests: number, concurrency: number, sequential: number) {
  const pool = new Pool(simUrl, { connections: concurrency, pipelining: 1 });
  const body = JSON.stringify(BENCH_BODY);
  const call = async () => {
    const response = await pool.request({
      path: "/v1/chat/completions",
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`simulator answered ${response.statusCode}`);
  };
  let next = 0;
  const startedAtMs = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        await call();
      }
    }),
  );
  const requestsPerSecond = requests / ((performance.now() - startedAtMs) / 1000);
  const latenciesMs: number[] = [];
  for (let index = 0; index < sequential; index++) {
    const t0 = performance.now();
    await call();
    latenciesMs.push(performance.now() - t0);
  }
  await pool.close();
  return { requestsPerSecond, p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99) };
}
