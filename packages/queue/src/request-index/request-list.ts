import type { Redis } from "ioredis";
import {
  clientFormatSchema,
  requestErrorSchema,
  requestStatusSchema,
  tierSchema,
  tokenUsageSchema,
  type ClientFormat,
  type RequestError,
  type RequestStatus,
  type Tier,
  type TokenUsage,
} from "@switchyard/contracts";
import { keyNames, type KeyNames } from "../key-names.js";

/** Where a page ends: the last entry's creation time and id (ids break ties within one millisecond). */
export interface RequestCursor {
  createdAtMs: number;
  id: string;
}

export interface ListRequestsQuery {
  /** One tenant's requests; every tenant's when absent (admins). */
  tenant?: string;
  /** Only these statuses; any when absent or empty. */
  statuses?: readonly RequestStatus[];
  /** Created at or after this time (epoch ms). */
  createdAfterMs?: number;
  /** Created strictly before this time (epoch ms). */
  createdBeforeMs?: number;
  limit: number;
  /** Continue after this entry (newest first: the next page holds older requests). */
  after?: RequestCursor;
}

/** A record without its hops, request and result: what a listing shows of each request. */
export interface RequestSummary {
  id: string;
  status: RequestStatus;
  tenant: string;
  tier: Tier;
  clientFormat: ClientFormat;
  createdAtMs: number;
  updatedAtMs: number;
  finishedAtMs?: number;
  deploymentId?: string;
  usage?: TokenUsage;
  costUsd?: number;
  error?: RequestError;
  servedFromCache?: boolean;
}

export interface RequestPage {
  data: RequestSummary[];
  hasMore: boolean;
  /** Set when `hasMore`: pass it as `after` for the next page. */
  nextCursor?: RequestCursor;
}

const SUMMARY_FIELDS = [
  "status",
  "tenant",
  "tier",
  "clientFormat",
  "createdAtMs",
  "updatedAtMs",
  "finishedAtMs",
  "deploymentId",
  "usage",
  "costUsd",
  "error",
  "servedFromCache",
] as const;

/**
 * Index entries looked at per call, at most. A status filter that matches little (or many expired entries) could
 * otherwise walk the whole index in one request; past this the page ends early, with `hasMore` and a cursor.
 */
export const MAX_SCANNED_PER_PAGE = 5_000;

/**
 * Lists request records newest first from the per-tenant and fleet-wide indexes that create-request-3.lua keeps.
 * Each step is one ZREVRANGEBYSCORE plus one pipelined HMGET per id: ids whose record has expired are skipped (and
 * pruned by a later create), and the status filter is applied to what HMGET read, so a rare status costs a longer
 * walk of the index rather than a second index per status.
 */
export class RequestList {
  private readonly keys: KeyNames;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = keyNames(prefix);
  }

  async list(query: ListRequestsQuery): Promise<RequestPage> {
    const key = query.tenant === undefined ? this.keys.requestIndex() : this.keys.tenantRequestIndex(query.tenant);
    const statuses = query.statuses && query.statuses.length > 0 ? new Set(query.statuses) : undefined;
    const { after } = query;
    // Upper bound: the cursor's time (inclusive, ties are skipped below) or `created_before` (exclusive).
    let max = query.createdBeforeMs === undefined ? "+inf" : `(${query.createdBeforeMs}`;
    if (after && (query.createdBeforeMs === undefined || after.createdAtMs < query.createdBeforeMs)) max = String(after.createdAtMs);
    const min = query.createdAfterMs === undefined ? "-inf" : String(query.createdAfterMs);
    const batchSize = Math.min(500, Math.max(50, (query.limit + 1) * 2));

    const data: RequestSummary[] = [];
    let scanned = 0;
    let offset = 0;
    let last: RequestCursor | undefined;
    while (scanned < MAX_SCANNED_PER_PAGE) {
      const flat = await this.redis.zrevrangebyscore(key, max, min, "WITHSCORES", "LIMIT", offset, batchSize);
      offset += flat.length / 2;
      const entries: RequestCursor[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        const createdAtMs = Number(flat[i + 1]);
        // Within the cursor's millisecond, the previous page already had every id from the cursor's upwards.
        if (after && createdAtMs === after.createdAtMs && id >= after.id) continue;
        entries.push({ id, createdAtMs });
      }
      const summaries = await this.read(entries.map((entry) => entry.id));
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as RequestCursor;
        scanned++;
        last = entry;
        const summary = summaries[i];
        if (!summary || (statuses && !statuses.has(summary.status))) continue;
        if (data.length === query.limit) return { data, hasMore: true, nextCursor: cursorOf(data[data.length - 1]) };
        data.push(summary);
      }
      if (flat.length / 2 < batchSize) return { data, hasMore: false };
    }
    // Scanned as much as one page may: the caller continues from the last entry looked at.
    return { data, hasMore: true, ...(last ? { nextCursor: last } : {}) };
  }

  /** The summaries of these ids (undefined where the record has expired), in one pipelined round trip. */
  private async read(ids: readonly string[]): Promise<(RequestSummary | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.request(id), ...SUMMARY_FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((id, index) => {
      const [error, values] = replies[index] ?? [new Error("no reply"), undefined];
      if (error) throw error;
      return parseSummary(id, values as (string | null)[]);
    });
  }
}

function cursorOf(summary: RequestSummary | undefined): RequestCursor | undefined {
  return summary ? { createdAtMs: summary.createdAtMs, id: summary.id } : undefined;
}

function parseSummary(id: string, values: (string | null)[]): RequestSummary | undefined {
  const field = (name: (typeof SUMMARY_FIELDS)[number]) => values[SUMMARY_FIELDS.indexOf(name)] ?? undefined;
  const status = field("status");
  if (status === undefined) return undefined;
  const number = (name: (typeof SUMMARY_FIELDS)[number]) => {
    const text = field(name);
    return text === undefined ? undefined : Number(text);
  };
  // A summary is a convenience: a field another version wrote in a shape this one does not know is left out.
  const json = <T>(name: (typeof SUMMARY_FIELDS)[number], schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }) => {
    const text = field(name);
    if (text === undefined) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const parsedStatus = requestStatusSchema.safeParse(status);
  const tier = tierSchema.safeParse(field("tier"));
  const clientFormat = clientFormatSchema.safeParse(field("clientFormat") ?? "openai");
  if (!parsedStatus.success || !tier.success || !clientFormat.success) return undefined;
  const summary: RequestSummary = {
    id,
    status: parsedStatus.data,
    tenant: field("tenant") ?? "",
    tier: tier.data,
    clientFormat: clientFormat.data,
    createdAtMs: number("createdAtMs") ?? 0,
    updatedAtMs: number("updatedAtMs") ?? 0,
  };
  const finishedAtMs = number("finishedAtMs");
  const deploymentId = field("deploymentId");
  const usage = json("usage", tokenUsageSchema);
  const costUsd = number("costUsd");
  const error = json("error", requestErrorSchema);
  if (finishedAtMs !== undefined) summary.finishedAtMs = finishedAtMs;
  if (deploymentId !== undefined) summary.deploymentId = deploymentId;
  if (usage !== undefined) summary.usage = usage;
  if (costUsd !== undefined) summary.costUsd = costUsd;
  if (error !== undefined) summary.error = error;
  if (field("servedFromCache") === "1") summary.servedFromCache = true;
  return summary;
}
