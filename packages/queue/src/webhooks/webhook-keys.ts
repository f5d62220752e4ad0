/** Redis keys of the webhook feature, under the installation's prefix (a Cluster hash tag, like every key). */
export interface WebhookKeys {
  /** A registered endpoint (hash, see WebhookEndpointStore). */
  endpoint(id: string): string;
  /** A tenant's endpoint ids (set). */
  tenantEndpoints(tenant: string): string;
  /** A tenant's default signing secret, for the per-request `webhook.url` (string). */
  tenantSecret(tenant: string): string;
}

export function webhookKeys(prefix: string): WebhookKeys {
  return {
    endpoint: (id) => `${prefix}:webhooks:endpoint:${id}`,
    tenantEndpoints: (tenant) => `${prefix}:webhooks:tenant:${tenant}:endpoints`,
    tenantSecret: (tenant) => `${prefix}:webhooks:tenant:${tenant}:secret`,
  };
}
