import type { Pool } from "undici";

export interface SwitchyardTarget {
  apiUrl: string;
  adminKey: string;
  redisUrl: string;
  prefix: string;
}

/** The body every Switchyard scenario submits: no `model`, so the router picks the deployment (`standard` tier). */
export const SWITCHYARD_BODY = JSON.stringify({
  messages: [{ role: "user", content: "What is the capital of France?" }],
  max_tokens: 64,
});

/** POST /v1/requests; resolves to the request id once accepted (202). */
export async function submit(pool: Pool, key: string, body: string = SWITCHYARD_BODY): Promise<string> {
  const response = await pool.request({
    path: "/v1/requests",
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 202) throw new Error(`API answered ${response.statusCode}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

/** The parts of GET /v1/requests/:id (snake_case, see apps/api record-view.ts) the scenarios read. */
export interface HopView {
  n: number;
  stage: "dispatch" | "provider" | "cache" | "retry";
  deployment_id?: string;
  outcome: "ok" | "error";
  started_at_ms: number;
  duration_ms: number;
  error?: { code: string };
  /** The dispatch hop's ranking and, when a pool chose, its strategy's reason. */
  note?: string;
}

export interface RecordView {
  id: string;
  status: string;
  deployment_id?: string;
  created_at_ms: number;
  finished_at_ms?: number;
  served_from_cache?: boolean;
  cost_usd?: number;
  hops: HopView[];
}

export async function readRecord(pool: Pool, key: string, id: string): Promise<RecordView> {
  const response = await pool.request({ path: `/v1/requests/${id}`, method: "GET", headers: { authorization: `Bearer ${key}` } });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`API answered ${response.statusCode} for request ${id}: ${text}`);
  const record = JSON.parse(text) as RecordView;
  if (!Array.isArray(record.hops)) throw new Error(`request ${id} has no hops: ${text.slice(0, 200)}`);
  return record;
}
