import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type TestStack } from "../support/stack.js";
import { SimControl } from "../support/sim-control.js";

// Pools through real processes: two deployments the router cannot tell apart (same quality, latency and, unless
// the strategy is about price, cost), and requests that name no model, so the pool's strategy alone picks which
// one serves each request. The dispatch hop's note says which pool and strategy chose, and why.

interface Member {
  id: string;
  /** Per 1k tokens, input and output alike. */
  priceUsd?: number;
  limits?: string;
}

interface HopView {
  stage: string;
  deployment_id?: string;
  outcome: string;
  error?: { code: string };
  note?: string;
}

interface RecordView {
  id: string;
  status: string;
  deployment_id?: string;
  hops: HopView[];
}

function poolConfig(pool: string, strategy: string, members: Member[], extra = ""): string {
  const deployments = members.map(
    (member) => `  - { id: ${member.id}, provider: openai, format: openai-chat, model: ${member.id}-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: ${member.priceUsd ?? 0.001}, pricePer1kOutputUsd: ${member.priceUsd ?? 0.001}, contextWindowTokens: 128000,
      typicalLatencyMs: 300, quality: { general: 0.9 }${member.limits ? `, limits: ${member.limits}` : ""} }`,
  );
  return `
redis: { url: "redis://127.0.0.1:6379", prefix: "{sy}" }
pools:
  ${pool}:
    strategy: ${strategy}
    deployments: [${members.map((member) => member.id).join(", ")}]
${extra}
deployments:
${deployments.join("\n")}
`;
}

/** A stack running `config`, with helpers to send requests that name no model and read where they went. */
function poolStack(config: string) {
  let stack: TestStack;
  let dir: string;
  let unique = 0;
  const handle = {
    get stack() {
      return stack;
    },
    get sim() {
      return new SimControl(stack.simUrl);
    },
    async submit(extra: Record<string, unknown> = {}): Promise<string> {
      const answer = await stack.api.post("/v1/requests", {
        messages: [{ role: "user", content: `Tell me about shipment ${++unique} in one line.` }],
        max_tokens: 32,
        ...extra,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return String(answer.body.id);
    },
    async result(id: string): Promise<RecordView> {
      const answer = await stack.api.get(`/v1/requests/${id}?wait=30`);
      expect(answer.status).toBe(200);
      expect(answer.body.status, JSON.stringify(answer.body.hops)).toBe("succeeded");
      return answer.body as RecordView;
    },
    /** Sends one request, waits for its outcome. */
    async run(extra: Record<string, unknown> = {}): Promise<RecordView> {
      return handle.result(await handle.submit(extra));
    },
    async waitForStatus(id: string, status: string, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while ((await stack.api.get(`/v1/requests/${id}`)).body.status !== status) {
        if (Date.now() > deadline) throw new Error(`${id} never reached ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-pools-"));
    writeFileSync(join(dir, "switchyard.yaml"), config);
    stack = await startStack(inject("redisUrl"), { SWITCHYARD_CONFIG: join(dir, "switchyard.yaml"), LOG_LEVEL: "error" });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}

const dispatchNote = (record: RecordView) => record.hops.find((hop) => hop.stage === "dispatch")?.note ?? "";
const countBy = (records: readonly RecordView[]) => {
  const counts: Record<string, number> = {};
  for (const record of records) counts[record.deployment_id ?? "?"] = (counts[record.deployment_id ?? "?"] ?? 0) + 1;
  return counts;
};
/** Sends `total` requests, `concurrency` at a time, and returns their outcomes in order. */
async function burst(pool: ReturnType<typeof poolStack>, total: number, concurrency: number): Promise<RecordView[]> {
  const records: RecordView[] = [];
  for (let start = 0; start < total; start += concurrency) {
    const ids = await Promise.all(Array.from({ length: Math.min(concurrency, total - start) }, () => pool.submit()));
    records.push(...(await Promise.all(ids.map((id) => pool.result(id)))));
  }
  return records;
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("load balancing: round_robin", () => {
  const pool = poolStack(poolConfig("even", "round_robin", [{ id: "rr-a" }, { id: "rr-b" }]));

  it("takes turns fleet-wide, so the pool splits evenly", async () => {
    const records = await burst(pool, 20, 5);
    const counts = countBy(records);
    expect(Object.keys(counts).sort()).toEqual(["rr-a", "rr-b"]);
    expect(Math.abs((counts["rr-a"] ?? 0) - (counts["rr-b"] ?? 0))).toBeLessThanOrEqual(2);
    for (const record of records) {
      expect(dispatchNote(record)).toMatch(new RegExp(`pool "even" \\(round_robin\\): ${record.deployment_id} is turn [12] of 2 available`));
    }
  });
});

describe("load balancing: weighted", () => {
  const pool = poolStack(
    poolConfig("weighted", "weighted", [{ id: "heavy" }, { id: "light" }], "    weights: { heavy: 3, light: 1 }"),
  );

  it("draws in proportion to the weights, 3:1", async () => {
    const total = 120;
    const records = await burst(pool, total, 10);
    const heavyShare = (countBy(records)["heavy"] ?? 0) / total;
    console.log(`[pools] weighted 3:1: heavy served ${Math.round(heavyShare * 100)}% of ${total}`);
    // 75% expected; ±3 standard deviations of a binomial share over 120 draws (σ ≈ 4%) is about 63–87%.
    expect(heavyShare).toBeGreaterThan(0.62);
    expect(heavyShare).toBeLessThan(0.88);
    for (const record of records) {
      const chance = record.deployment_id === "heavy" ? "75% \\(weight 3" : "25% \\(weight 1";
      expect(dispatchNote(record)).toMatch(new RegExp(`pool "weighted" \\(weighted\\): ${record.deployment_id} drawn at ${chance} × 100% budget left\\)`));
    }
  });
});

describe("load balancing: cost", () => {
  const CHEAP_RPM = 4;
  const pool = poolStack(
    poolConfig("thrifty", "cost", [
      { id: "pricey", priceUsd: 0.004 },
      { id: "cheap", priceUsd: 0.001, limits: `{ rpm: ${CHEAP_RPM}, windowMs: 60000, concurrency: 2 }` },
    ]),
  );

  it("picks the cheaper while it has capacity and spills to the other at its concurrency and rpm", async () => {
    // cheap's calls take a while, so two of them fill its in-flight cap.
    await pool.sim.setModel("cheap-model", { latency: { kind: "fixed", ms: 1_000 } });

    const first = await pool.run();
    expect(first.deployment_id).toBe("cheap");
    expect(dispatchNote(first)).toMatch(/pool "thrifty" \(cost\): cheap costs \$\S+ for this request vs \$\S+/);

    // Two at once: both fit cheap's cap of 2 ...
    const held = await Promise.all([pool.submit(), pool.submit()]);
    await Promise.all(held.map((id) => pool.waitForStatus(id, "running")));
    // ... and while both are in flight, the next one spills to pricey.
    const spilledByConcurrency = await pool.run();
    expect(spilledByConcurrency.deployment_id).toBe("pricey");
    expect(dispatchNote(spilledByConcurrency)).toMatch(/pool "thrifty" \(cost\): pricey costs \$\S+ for this request, the only member available/);
    expect((await Promise.all(held.map((id) => pool.result(id)))).map((record) => record.deployment_id)).toEqual(["cheap", "cheap"]);

    // cheap is idle again (its slots are released a moment after the records finish) and has one request left
    // of its rpm: it takes the next one ...
    await pause(300);
    expect((await pool.run()).deployment_id).toBe("cheap");
    // ... and with its rpm spent, everything spills to pricey.
    for (let index = 0; index < 2; index++) {
      const spilledByRpm = await pool.run();
      expect(spilledByRpm.deployment_id).toBe("pricey");
      expect(dispatchNote(spilledByRpm)).toMatch(/the only member available/);
    }
  });
});

describe("load balancing: least_connections", () => {
  const pool = poolStack(poolConfig("fair", "least_connections", [{ id: "lc-a" }, { id: "lc-b" }]));

  async function whileBusy(busy: "lc-a" | "lc-b"): Promise<RecordView[]> {
    await pool.sim.setModel(`${busy}-model`, { latency: { kind: "fixed", ms: 2_500 } });
    // Requests that name the deployment skip the pool but hold its in-flight slots like any other.
    const held = await Promise.all([pool.submit({ model: busy }), pool.submit({ model: busy })]);
    await Promise.all(held.map((id) => pool.waitForStatus(id, "running")));
    const chosen: RecordView[] = [];
    for (let index = 0; index < 3; index++) chosen.push(await pool.run());
    await Promise.all(held.map((id) => pool.result(id)));
    await pool.sim.setModel(`${busy}-model`, { latency: { kind: "fixed", ms: 0 } });
    return chosen;
  }

  it("prefers the idle member while the other is busy", async () => {
    // Both idle: a tie, which config order breaks.
    const tie = await pool.run();
    expect(tie.deployment_id).toBe("lc-a");
    expect(dispatchNote(tie)).toMatch(/pool "fair" \(least_connections\): lc-a has 0 in flight vs 0/);

    for (const [busy, idle] of [
      ["lc-a", "lc-b"],
      ["lc-b", "lc-a"],
    ] as const) {
      const chosen = await whileBusy(busy);
      expect(chosen.map((record) => record.deployment_id)).toEqual([idle, idle, idle]);
      for (const record of chosen) expect(dispatchNote(record)).toMatch(new RegExp(`pool "fair" \\(least_connections\\): ${idle} has 0 in flight vs 2`));
    }
  });
});

describe("load balancing: latency", () => {
  // The slow one comes first in config order, so a tie would favour it: only measurement moves traffic away.
  const pool = poolStack(poolConfig("quick", "latency", [{ id: "lat-slow" }, { id: "lat-fast" }]));

  it("measures each member, then converges on the faster one", async () => {
    await pool.sim.setModel("lat-slow-model", { latency: { kind: "fixed", ms: 1_000 } });
    await pool.sim.setModel("lat-fast-model", { latency: { kind: "fixed", ms: 20 } });
    const records: RecordView[] = [];
    for (let index = 0; index < 10; index++) records.push(await pool.run());
    const servedBy = records.map((record) => record.deployment_id);
    console.log(`[pools] latency: ${servedBy.join(", ")}`);

    // Each member is tried while it has no data yet ...
    expect(servedBy.slice(0, 2).sort()).toEqual(["lat-fast", "lat-slow"]);
    expect(dispatchNote(records[0]!)).toMatch(/pool "quick" \(latency\): lat-slow has no latency data yet/);
    // ... then the faster one takes everything.
    expect(servedBy.slice(-6)).toEqual(Array(6).fill("lat-fast"));
    expect(dispatchNote(records.at(-1)!)).toMatch(/pool "quick" \(latency\): lat-fast averages \d+ ms vs \d+ ms/);
  });
});

describe("load balancing: a request naming a pool as its model", () => {
  // `np-best` ranks first for every request (higher quality); naming the pool keeps requests inside it.
  const config = poolConfig("team-pool", "round_robin", [{ id: "np-a" }, { id: "np-b" }]).replace(
    "deployments:\n",
    `deployments:
  - { id: np-best, provider: openai, format: openai-chat, model: np-best-model, baseUrl: "\${PROVIDER_SIM_URL}/v1",
      pricePer1kInputUsd: 0.001, pricePer1kOutputUsd: 0.001, contextWindowTokens: 128000, typicalLatencyMs: 300, quality: { general: 0.99 } }
`,
  );
  const pool = poolStack(config);

  it("is served only by the pool's members, in the pool's turns; the router's favourite serves the rest", async () => {
    const named = await Promise.all(Array.from({ length: 6 }, () => pool.run({ model: "team-pool" })));
    const counts = countBy(named);
    expect(Object.keys(counts).sort()).toEqual(["np-a", "np-b"]);
    expect(Math.abs((counts["np-a"] ?? 0) - (counts["np-b"] ?? 0))).toBeLessThanOrEqual(2);
    for (const record of named) expect(dispatchNote(record)).toContain('pool "team-pool" (round_robin)');
    expect((await pool.run()).deployment_id).toBe("np-best");
    expect((await pool.run({ model: "auto" })).deployment_id).toBe("np-best");
  });

  it("is listed by GET /v1/models and accepted by the drop-in endpoint", async () => {
    const models = await pool.stack.api.get("/v1/models");
    expect((models.body.data as { id: string; owned_by: string }[]).map((model) => model.id)).toEqual(["auto", "np-best", "np-a", "np-b", "team-pool"]);
    const answer = await pool.stack.api.post("/v1/chat/completions", { model: "team-pool", messages: [{ role: "user", content: "Say hi." }] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(["np-a", "np-b"]).toContain(answer.headers.get("x-switchyard-deployment"));
  });
});
