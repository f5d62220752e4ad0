import { classifyIpBytes, parseIp, type AddressAllowlist } from "@switchyard/contracts";
import { ApiError } from "../http/api-error.js";

/**
 * The registration-time check, for a clear 400: a URL whose host is an IP literal (in any spelling the URL parser
 * normalises, `http://2130706433/` included) that webhooks may not reach. Host names are judged where it matters,
 * on the addresses they resolve to when a delivery connects (the worker's guarded agent): an answer given now
 * could change by then.
 */
export function assertWebhookUrlAllowed(url: string, allowlist: AddressAllowlist, param = "url"): void {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  const bytes = parseIp(host);
  if (!bytes || allowlist.allowsHost(host) || allowlist.allowsAddress(bytes)) return;
  const kind = classifyIpBytes(bytes);
  if (kind === "public") return;
  throw ApiError.badRequest(
    `${param}: ${host} is a ${kind.replace("_", "-")} address; webhooks are delivered to public addresses only (an operator can allow hosts in webhooks.allowPrivateHosts)`,
    param,
    "webhook_url_not_allowed",
  );
}
