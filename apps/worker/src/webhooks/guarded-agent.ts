import { lookup as systemLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { findRefusedAddress, type AddressAllowlist, type AddressRefusal } from "@switchyard/contracts";

/** The connection was refused by the SSRF policy: the host is, or resolves to, an address webhooks may not reach. */
export class WebhookAddressRefusedError extends Error {
  override readonly name = "WebhookAddressRefusedError";
  readonly code = "SWITCHYARD_WEBHOOK_ADDRESS_REFUSED";
  constructor(
    readonly host: string,
    readonly refusal: AddressRefusal,
  ) {
    super(`refused to connect to ${host}: ${refusal.address} is a ${refusal.kind.replace("_", "-")} address (webhooks.allowPrivateHosts)`);
  }

  static is(error: unknown): error is WebhookAddressRefusedError {
    return error instanceof Error && (error as { code?: unknown }).code === "SWITCHYARD_WEBHOOK_ADDRESS_REFUSED";
  }
}

/** Resolves a host name to all its addresses; injectable so tests can make any name resolve anywhere. */
export type ResolveAll = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const resolveWithSystem: ResolveAll = (hostname, callback) => systemLookup(hostname, { all: true }, callback);

export interface GuardedAgentOptions {
  allowlist: AddressAllowlist;
  connectTimeoutMs: number;
  resolve?: ResolveAll;
}

/**
 * An undici Agent that checks where it connects at connect time, on the resolved addresses themselves: the lookup
 * it gives the socket resolves the name, refuses the connection if any address is not allowed, and hands the
 * socket exactly the addresses it checked. A name that resolves to a public address when registered and to
 * 127.0.0.1 when delivered (DNS rebinding) is therefore refused, because there is no second lookup to trick.
 * IP literals skip DNS (Node does not call `lookup` for them), so they are checked before connecting.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const resolve = options.resolve ?? resolveWithSystem;
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refusal = findRefusedAddress(hostname, addresses.map((entry) => entry.address), options.allowlist);
      if (refusal) return callback(new WebhookAddressRefusedError(hostname, refusal), "", 0);
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" }), "", 0);
      // Node asks for every address when it tries them in turn (autoSelectFamily), else for one.
      if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      callback(null, first!.address, first!.family);
    });
  };
  const connect = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup });
  return new Agent({
    connections: 16,
    connect: (connectOptions, callback) => {
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, "$1");
      if (isIP(host) !== 0) {
        const refusal = findRefusedAddress(host, [host], options.allowlist);
        if (refusal) return callback(new WebhookAddressRefusedError(host, refusal), null);
      }
      return connect(connectOptions, callback);
    },
  });
}
