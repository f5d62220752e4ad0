import type { Redis } from "ioredis";
import { newWebhookSecret } from "@switchyard/contracts";
import { webhookKeys, type WebhookKeys } from "./webhook-keys.js";

/**
 * Each tenant's default signing secret, which signs the webhooks of requests that carry their own `webhook.url`
 * (registered endpoints have their own). Created on first need; every process then agrees on it, because the
 * first writer wins (`SET NX`).
 */
export class TenantSigningSecrets {
  private readonly keys: WebhookKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = webhookKeys(prefix);
  }

  async getOrCreate(tenant: string): Promise<string> {
    const key = this.keys.tenantSecret(tenant);
    const candidate = newWebhookSecret();
    // SET NX GET: sets only if absent and answers the previous value, so one round trip settles a race.
    const previous = (await this.redis.call("SET", key, candidate, "NX", "GET")) as string | null;
    return previous ?? candidate;
  }
}
