import type { Redis } from "ioredis";
import {
  classificationSchema,
  chatResultSchema,
  hopSchema,
  requestErrorSchema,
  requestRecordSchema,
  requestStatusSchema,
  tokenUsageSchema,
  type ChatRequest,
  type ChatResult,
  type Classification,
  type ClientFormat,
  type Hop,
  type RequestError,
  type RequestRecord,
  type RequestStatus,
  type RetryState,
  retryStateSchema,
  type Tier,
  type TokenUsage,
  type TruncationRecord,
  truncationSchema,
} from "@switchyard/contracts";
import { keyNames, type KeyNames } from "./key-names.js";
import { defineScripts, type SwitchyardScripts } from "./lua-scripts.js";
import { RequestList, type ListRequestsQuery, type RequestPage } from "./request-index/request-list.js";
import { IdempotencyKeys, type IdempotencyKeysOptions } from "./request-index/idempotency-keys.js";

export interface NewRequest {
  id: string;
  tenant: string;
  tier: Tier;
  clientFormat: ClientFormat;
  classification: Classification;
  request: ChatRequest;
}

export type Outcome =
  | { status: "succeeded"; result: ChatResult; usage: TokenUsage; costUsd: number; deploymentId: string; servedFromCache?: boolean }
  | { status: "failed"; error: RequestError }
  /** Stored as `error` with code `cancelled` and the reason as its message, so a reader sees why. */
  | { status: "cancelled"; reason: string };

/**
 * The outbox's hard cap (entries, approximate). Its consumers trim what every group has read, so it stays short;
 * the cap only bounds memory if no consumer runs at all (entries beyond it are lost to consumers that come later).
 */
export const OUTBOX_MAX_LENGTH = 1_000_000;

export type TransitionResult = "applied" | "already_terminal" | "missing";

function transition(code: number): TransitionResult {
  if (code === 1) return "applied";
  if (code === 0) return "already_terminal";
  return "missing";
}

/**
 * The request record: a Redis hash plus a list of hops, both expiring after the retention TTL.
 * Non-terminal steps and the terminal transition go through Lua so a record reaches a terminal state
 * exactly once, whatever the order or repetition of the jobs that report on it.
 */
export class RequestStore {
  private readonly keys: KeyNames;
  private readonly scripts: SwitchyardScripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = keyNames(prefix);
    this.scripts = defineScripts(redis);
  }

  get eventsChannel(): string {
    return this.keys.requestEvents();
  }

  async create(request: NewRequest): Promise<RequestRecord> {
    const nowMs = this.now();
    const fields = {
      id: request.id,
      status: "queued" satisfies RequestStatus,
      tenant: request.tenant,
      tier: request.tier,
      clientFormat: request.clientFormat,
      classification: JSON.stringify(request.classification),
      request: JSON.stringify(request.request),
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      // Its own field, so the transition scripts copy it into the outbox entry the webhook fan-out reads.
      ...(request.request.webhook ? { webhookUrl: request.request.webhook.url } : {}),
    };
    // The listing indexes are written by the same script: no extra round trip on the hot path.
    const created = await this.scripts.createRequest(
      [this.keys.request(request.id), this.keys.tenantRequestIndex(request.tenant), this.keys.requestIndex()],
      [this.ttlSeconds, request.id, nowMs, nowMs - this.ttlSeconds * 1000, ...Object.entries(fields).flat()],
    );
    if (created !== 1) throw new Error(`request ${request.id} already exists`);
    return {
      id: request.id,
      status: "queued",
      tenant: request.tenant,
      tier: request.tier,
      clientFormat: request.clientFormat,
      classification: request.classification,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      hops: [],
    };
  }

  /** Records newest first, from the indexes `create` writes (see request-index/request-list.ts). */
  async list(query: ListRequestsQuery): Promise<RequestPage> {
    return new RequestList(this.redis, this.prefix).list(query);
  }

  /** The Idempotency-Key entries of this installation (same connection and prefix). */
  idempotencyKeys(options: IdempotencyKeysOptions): IdempotencyKeys {
    return new IdempotencyKeys(this.redis, this.prefix, options);
  }

  /** Removes a record whose job could not be enqueued, so nothing claims a request that was never accepted. */
  async discard(id: string): Promise<void> {
    await this.redis.del(this.keys.request(id), this.keys.requestHops(id));
  }

  /** A non-terminal step: new status and fields, plus the hop that led there. */
  async update(
    id: string,
    change: {
      status?: Exclude<RequestStatus, "succeeded" | "failed" | "cancelled">;
      deploymentId?: string;
      truncation?: TruncationRecord;
      retry?: RetryState;
      hop?: Hop;
    },
  ): Promise<TransitionResult> {
    const fields: (string | number)[] = [];
    if (change.deploymentId) fields.push("deploymentId", change.deploymentId);
    if (change.truncation) fields.push("truncation", JSON.stringify(change.truncation));
    if (change.retry) fields.push("retry", JSON.stringify(change.retry));
    const code = await this.scripts.updateRequest(
      [this.keys.request(id), this.keys.requestHops(id), this.keys.outbox()],
      [change.hop ? JSON.stringify(change.hop) : "", this.now(), id, OUTBOX_MAX_LENGTH, change.status ?? "", ...fields],
    );
    return transition(code);
  }

  /** The terminal transition; returns `already_terminal` when another job got there first. */
  async finish(id: string, outcome: Outcome, hop?: Hop): Promise<TransitionResult> {
    const fields: (string | number)[] =
      outcome.status === "succeeded"
        ? [
            "result", JSON.stringify(outcome.result),
            "usage", JSON.stringify(outcome.usage),
            "costUsd", outcome.costUsd,
            "deploymentId", outcome.deploymentId,
            ...(outcome.servedFromCache ? ["servedFromCache", "1"] : []),
          ]
        : outcome.status === "failed"
          ? ["error", JSON.stringify(outcome.error)]
          : ["error", JSON.stringify({ code: "cancelled", message: outcome.reason } satisfies RequestError)];
    const code = await this.scripts.finishRequest(
      [this.keys.request(id), this.keys.requestHops(id), this.keys.outbox()],
      [outcome.status, hop ? JSON.stringify(hop) : "", this.now(), this.keys.requestEvents(), id, OUTBOX_MAX_LENGTH, ...fields],
    );
    return transition(code);
  }

  async get(id: string): Promise<RequestRecord | undefined> {
    // Two commands sent back to back share one round trip (a MULTI object costs more here).
    const [hash, hopTexts] = await Promise.all([
      this.redis.hgetall(this.keys.request(id)),
      this.redis.lrange(this.keys.requestHops(id), 0, -1),
    ]);
    if (!hash.status) return undefined;
    const hops = hopTexts.map((text) => hopSchema.parse(JSON.parse(text)));
    return parseRecord(hash, hops);
  }

  /** The record's status alone (one HGET), or undefined when it does not exist. */
  async status(id: string): Promise<RequestStatus | undefined> {
    const status = await this.redis.hget(this.keys.request(id), "status");
    return status === null ? undefined : requestStatusSchema.parse(status);
  }

  /** The original request body, kept for replays and retries. */
  async getRequestBody(id: string): Promise<ChatRequest | undefined> {
    const text = await this.redis.hget(this.keys.request(id), "request");
    return text ? (JSON.parse(text) as ChatRequest) : undefined;
  }
}

function optionalJson<T>(text: string | undefined, parse: (value: unknown) => T): T | undefined {
  return text === undefined ? undefined : parse(JSON.parse(text));
}

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function parseRecord(hash: Record<string, string>, hops: Hop[]): RequestRecord {
  return requestRecordSchema.parse({
    id: hash.id,
    status: hash.status,
    tenant: hash.tenant,
    tier: hash.tier,
    clientFormat: hash.clientFormat,
    classification: optionalJson(hash.classification, (value) => classificationSchema.parse(value)),
    deploymentId: hash.deploymentId,
    createdAtMs: optionalNumber(hash.createdAtMs),
    updatedAtMs: optionalNumber(hash.updatedAtMs),
    finishedAtMs: optionalNumber(hash.finishedAtMs),
    hops,
    result: optionalJson(hash.result, (value) => chatResultSchema.parse(value)),
    usage: optionalJson(hash.usage, (value) => tokenUsageSchema.parse(value)),
    costUsd: optionalNumber(hash.costUsd),
    error: optionalJson(hash.error, (value) => requestErrorSchema.parse(value)),
    truncation: optionalJson(hash.truncation, (value) => truncationSchema.parse(value)),
    retry: optionalJson(hash.retry, (value) => retryStateSchema.parse(value)),
    servedFromCache: hash.servedFromCache === "1" ? true : undefined,
  });
}
