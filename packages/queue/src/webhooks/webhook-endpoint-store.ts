import type { Redis } from "ioredis";
import {
  newWebhookEndpointId,
  newWebhookSecret,
  webhookEndpointSchema,
  type WebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookEventType,
} from "@switchyard/contracts";
import { defineScripts, type SwitchyardScripts } from "../lua-scripts.js";
import { webhookKeys, type WebhookKeys } from "./webhook-keys.js";

export type CreateEndpointResult = { created: WebhookEndpoint } | { refused: "limit_reached" };

/**
 * Tenants' registered webhook endpoints: one hash per endpoint plus a set of ids per tenant. Endpoints do not
 * expire. The secret is stored as issued, since signing needs it (HMAC has no public half).
 */
export class WebhookEndpointStore {
  private readonly keys: WebhookKeys;
  private readonly scripts: SwitchyardScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = webhookKeys(prefix);
    this.scripts = defineScripts(redis);
  }

  async create(tenant: string, input: WebhookEndpointInput, maxPerTenant: number): Promise<CreateEndpointResult> {
    const nowMs = this.now();
    const endpoint: WebhookEndpoint = {
      id: newWebhookEndpointId(),
      tenant,
      url: input.url,
      events: [...new Set(input.events ?? [])],
      ...(input.description === undefined ? {} : { description: input.description }),
      secret: newWebhookSecret(),
      status: "enabled",
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    const fields = Object.entries(endpoint).flatMap(([field, value]) => [field, field === "events" ? JSON.stringify(value) : String(value)]);
    const code = await this.scripts.webhookEndpointCreate(
      [this.keys.endpoint(endpoint.id), this.keys.tenantEndpoints(tenant)],
      [maxPerTenant, endpoint.id, ...fields],
    );
    if (code === 0) return { refused: "limit_reached" };
    // 120 random bits: a collision is not a case to handle, only to refuse loudly.
    if (code !== 1) throw new Error(`webhook endpoint id ${endpoint.id} already exists`);
    return { created: endpoint };
  }

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const hash = await this.redis.hgetall(this.keys.endpoint(id));
    return hash.id === undefined ? undefined : parseEndpoint(hash);
  }

  /** A tenant's endpoints, oldest first. */
  async list(tenant: string): Promise<WebhookEndpoint[]> {
    const ids = await this.redis.smembers(this.keys.tenantEndpoints(tenant));
    const endpoints = await Promise.all(ids.map((id) => this.get(id)));
    return endpoints
      .filter((endpoint): endpoint is WebhookEndpoint => endpoint !== undefined)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
  }

  /** The tenant's enabled endpoints that subscribe to `type` (no event list: every type). */
  async subscribers(tenant: string, type: WebhookEventType): Promise<WebhookEndpoint[]> {
    return (await this.list(tenant)).filter(
      (endpoint) => endpoint.status === "enabled" && (endpoint.events.length === 0 || endpoint.events.includes(type)),
    );
  }

  /** True when it existed. */
  async delete(endpoint: Pick<WebhookEndpoint, "id" | "tenant">): Promise<boolean> {
    const [[, removed] = []] = (await this.redis
      .multi()
      .del(this.keys.endpoint(endpoint.id))
      .srem(this.keys.tenantEndpoints(endpoint.tenant), endpoint.id)
      .exec()) ?? [];
    return removed === 1;
  }

  /** True when the endpoint exists (and now has this status). */
  async setStatus(id: string, status: WebhookEndpoint["status"], reason = ""): Promise<boolean> {
    return (await this.scripts.webhookEndpointStatus([this.keys.endpoint(id)], [status, reason, this.now()])) === 1;
  }
}

function parseEndpoint(hash: Record<string, string>): WebhookEndpoint {
  return webhookEndpointSchema.parse({
    ...hash,
    events: JSON.parse(hash.events ?? "[]"),
    createdAtMs: Number(hash.createdAtMs),
    updatedAtMs: Number(hash.updatedAtMs),
  });
}
