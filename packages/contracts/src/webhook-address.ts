/**
 * Which network addresses a webhook may be delivered to (SSRF protection). Pure: text in, verdict out. The worker
 * applies it to every address a host name resolves to, at connect time; the API to IP-literal URLs at registration.
 */

/** Why an address is refused; `public` is the only kind a webhook may reach without an allowlist entry. */
export type AddressKind =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "link_local"
  | "cgnat"
  | "metadata"
  | "multicast"
  | "reserved";

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = readonly number[];

function parseIpv4(text: string): IpBytes | undefined {
  // Strict dotted quad only; the URL parser has already normalised `2130706433` and `0x7f.1` to this form.
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): IpBytes | undefined {
  let rest = text;
  const zone = rest.indexOf("%");
  if (zone >= 0) rest = rest.slice(0, zone);
  // An embedded dotted quad (`::ffff:127.0.0.1`) is rewritten as the last two hex groups.
  const lastColon = rest.lastIndexOf(":");
  if (lastColon >= 0 && rest.slice(lastColon + 1).includes(".")) {
    const v4 = parseIpv4(rest.slice(lastColon + 1));
    if (!v4) return undefined;
    const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
    rest = `${rest.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }
  const halves = rest.split("::");
  if (halves.length > 2) return undefined;
  const group = (part: string) => (part === "" ? [] : part.split(":"));
  const head = group(halves[0] ?? "");
  const back = halves.length === 2 ? group(halves[1] ?? "") : [];
  if (halves.length === 2 ? head.length + back.length > 7 : head.length !== 8) return undefined;
  const groups = halves.length === 2 ? [...head, ...Array<string>(8 - head.length - back.length).fill("0"), ...back] : head;
  const words: number[] = [];
  for (const word of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(word)) return undefined;
    words.push(parseInt(word, 16));
  }
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

/** Parses an IPv4 or IPv6 literal (brackets and a zone id allowed); undefined for a host name. */
export function parseIp(text: string): IpBytes | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return bare.includes(":") ? parseIpv6(bare) : parseIpv4(bare);
}

/** `a.b.c.d/n` or `x::y/n` (a bare address is a /32 or /128). */
export interface Cidr {
  bytes: IpBytes;
  prefixLength: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const bytes = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!bytes) return undefined;
  const bits = bytes.length * 8;
  if (slash < 0) return { bytes, prefixLength: bits };
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  return prefixLength <= bits ? { bytes, prefixLength } : undefined;
}

function inRange(bytes: IpBytes, range: Cidr): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefixLength; bit++) {
    const mask = 0x80 >> bit % 8;
    const index = Math.floor(bit / 8);
    if (((bytes[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad built-in range ${text}`);
  return parsed;
}

/** Ordered: the first match names the kind (the metadata addresses sit inside link-local and ULA ranges). */
const IPV4_RANGES: readonly (readonly [Cidr, AddressKind])[] = [
  [cidr("169.254.169.254/32"), "metadata"], // AWS, GCP, Azure, OpenStack instance metadata
  [cidr("0.0.0.0/8"), "unspecified"], // "this network"; 0.0.0.0 reaches the local host on Linux
  [cidr("10.0.0.0/8"), "private"],
  [cidr("100.64.0.0/10"), "cgnat"], // also Alibaba's metadata at 100.100.100.200
  [cidr("127.0.0.0/8"), "loopback"],
  [cidr("169.254.0.0/16"), "link_local"],
  [cidr("172.16.0.0/12"), "private"],
  [cidr("192.0.0.0/24"), "reserved"], // IETF protocol assignments (Oracle's metadata at 192.0.0.192)
  [cidr("192.0.2.0/24"), "reserved"], // documentation
  [cidr("192.88.99.0/24"), "reserved"], // 6to4 relay anycast
  [cidr("192.168.0.0/16"), "private"],
  [cidr("198.18.0.0/15"), "reserved"], // benchmarking
  [cidr("198.51.100.0/24"), "reserved"],
  [cidr("203.0.113.0/24"), "reserved"],
  [cidr("224.0.0.0/4"), "multicast"],
  [cidr("240.0.0.0/4"), "reserved"], // includes 255.255.255.255
];

const IPV6_RANGES: readonly (readonly [Cidr, AddressKind])[] = [
  [cidr("fd00:ec2::254/128"), "metadata"], // AWS's IPv6 metadata endpoint
  [cidr("::/128"), "unspecified"],
  [cidr("::1/128"), "loopback"],
  [cidr("64:ff9b:1::/48"), "reserved"], // local-use NAT64
  [cidr("100::/64"), "reserved"], // discard-only
  [cidr("2001::/23"), "reserved"], // IETF protocol assignments, Teredo among them
  [cidr("2001:db8::/32"), "reserved"], // documentation
  [cidr("fc00::/7"), "private"], // unique local addresses
  [cidr("fe80::/10"), "link_local"],
  [cidr("fec0::/10"), "private"], // deprecated site-local
  [cidr("ff00::/8"), "multicast"],
];

/**
 * IPv6 forms that carry an IPv4 address, which a dual-stack host or a translator would reach: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`).
 */
function embeddedIpv4(bytes: IpBytes): IpBytes | undefined {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  // Not `::` nor `::1`, which are IPv6 addresses of their own.
  if (zeros(0, 12) && (bytes[12] ?? 0) !== 0) return bytes.slice(12);
  if (inRange(bytes, cidr("64:ff9b::/96"))) return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return undefined;
}

/** The kind of an address given as bytes; IPv6 forms of an IPv4 address are judged as that IPv4 address. */
export function classifyIpBytes(bytes: IpBytes): AddressKind {
  if (bytes.length === 16) {
    const v4 = embeddedIpv4(bytes);
    if (v4) return classifyIpBytes(v4);
  }
  const ranges = bytes.length === 4 ? IPV4_RANGES : IPV6_RANGES;
  for (const [range, kind] of ranges) if (inRange(bytes, range)) return kind;
  return "public";
}

/** The kind of an IP literal, or undefined when `text` is not one. */
export function classifyAddress(text: string): AddressKind | undefined {
  const bytes = parseIp(text);
  return bytes ? classifyIpBytes(bytes) : undefined;
}

/**
 * The config's `webhooks.allowPrivateHosts`: host names (matched against the URL's host, case-insensitive, a
 * leading `*.` for any subdomain) and addresses or CIDRs (matched against every resolved address).
 */
export class AddressAllowlist {
  private readonly hostNames: string[] = [];
  private readonly suffixes: string[] = [];
  private readonly ranges: Cidr[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const range = parseCidr(entry);
      if (range) {
        this.ranges.push(range);
        // An IPv4 range also admits its IPv4-mapped IPv6 form.
        if (range.bytes.length === 4) {
          this.ranges.push({ bytes: [...Array<number>(10).fill(0), 0xff, 0xff, ...range.bytes], prefixLength: 96 + range.prefixLength });
        }
      } else if (entry.startsWith("*.")) {
        this.suffixes.push(normaliseHost(entry.slice(1)));
      } else {
        this.hostNames.push(normaliseHost(entry));
      }
    }
  }

  allowsHost(host: string): boolean {
    const name = normaliseHost(host);
    return this.hostNames.includes(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  allowsAddress(bytes: IpBytes): boolean {
    return this.ranges.some((range) => inRange(bytes, range));
  }
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "");
}

/** An address a webhook may not reach, and why. */
export interface AddressRefusal {
  address: string;
  kind: Exclude<AddressKind, "public">;
}

/**
 * The one check: the first resolved address of `host` that may not be reached, or undefined when all may. Every
 * address must pass, so a name that resolves to one public and one private address is refused.
 */
export function findRefusedAddress(
  host: string,
  addresses: readonly string[],
  allowlist: AddressAllowlist,
): AddressRefusal | undefined {
  if (allowlist.allowsHost(host)) return undefined;
  for (const address of addresses) {
    const bytes = parseIp(address);
    // The resolver only hands out addresses; anything else is refused rather than guessed at.
    if (!bytes) return { address, kind: "reserved" };
    const kind = classifyIpBytes(bytes);
    if (kind !== "public" && !allowlist.allowsAddress(bytes)) return { address, kind };
  }
  return undefined;
}
