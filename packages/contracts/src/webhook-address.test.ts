import { describe, expect, it } from "vitest";
import { AddressAllowlist, classifyAddress, findRefusedAddress, parseCidr, parseIp } from "./webhook-address.js";

/** What a URL's host becomes after WHATWG parsing: the form the API and worker actually see. */
const hostOf = (url: string) => new URL(url).hostname;

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.128.0.1", "public"],
    ["169.254.1.1", "link_local"],
    ["169.254.169.254", "metadata"],
    ["192.0.0.192", "reserved"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved"],
    ["198.18.0.1", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:8.8.8.8", "public"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::", "loopback"],
    ["2002:808:808::1", "public"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fd00:ec2::254", "metadata"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["febf::1", "link_local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001:81c::200e", "public"],
  ])("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(["example.com", "localhost", "1.2.3", "256.1.1.1", "01.2.3.4", "1.2.3.4.5", ":::1", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8:9"])(
    "%s is not an IP literal",
    (text) => {
      expect(classifyAddress(text)).toBeUndefined();
    },
  );

  it("parses full, compressed and embedded IPv6 forms to the same bytes", () => {
    const expected = parseIp("::ffff:127.0.0.1");
    expect(parseIp("0:0:0:0:0:ffff:7f00:1")).toEqual(expected);
    expect(parseIp("[::ffff:7f00:0001]")).toEqual(expected);
    expect(parseIp("1:2:3:4:5:6:7::")).toHaveLength(16);
    expect(parseIp("::2:3:4:5:6:7:8")).toHaveLength(16);
  });

  it.each([
    ["http://2130706433/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://017700000001/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0.0.0.0:8080/", "unspecified"],
    ["http://[::1]:80/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[0:0:0:0:0:ffff:a9fe:a9fe]/", "metadata"],
    ["http://169.254.169.254/latest/meta-data", "metadata"],
    ["https://3232235777/", "private"],
  ])("the URL parser's normalised host of %s is %s", (url, kind) => {
    expect(classifyAddress(hostOf(url))).toBe(kind);
  });
});

describe("parseCidr", () => {
  it("reads addresses and prefixes, and refuses nonsense", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ bytes: [10, 0, 0, 0], prefixLength: 8 });
    expect(parseCidr("127.0.0.1")?.prefixLength).toBe(32);
    expect(parseCidr("::1")?.prefixLength).toBe(128);
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0/x")).toBeUndefined();
    expect(parseCidr("localhost")).toBeUndefined();
  });
});

describe("findRefusedAddress", () => {
  const none = new AddressAllowlist([]);

  it("refuses a name when any of its addresses is not public", () => {
    expect(findRefusedAddress("example.com", ["93.184.216.34"], none)).toBeUndefined();
    expect(findRefusedAddress("rebind.example", ["93.184.216.34", "127.0.0.1"], none)).toEqual({ address: "127.0.0.1", kind: "loopback" });
    expect(findRefusedAddress("localhost", ["::1"], none)).toEqual({ address: "::1", kind: "loopback" });
    expect(findRefusedAddress("weird", ["not-an-address"], none)?.kind).toBe("reserved");
  });

  it("admits allowlisted addresses, ranges (and their IPv4-mapped forms) and host names", () => {
    const allowlist = new AddressAllowlist(["127.0.0.1", "10.1.0.0/16", "fd00::/8", "Hooks.Internal.", "*.svc.local"]);
    expect(findRefusedAddress("x", ["127.0.0.1"], allowlist)).toBeUndefined();
    expect(findRefusedAddress("x", ["::ffff:127.0.0.1"], allowlist)).toBeUndefined();
    expect(findRefusedAddress("x", ["127.0.0.2"], allowlist)?.kind).toBe("loopback");
    expect(findRefusedAddress("x", ["10.1.200.3"], allowlist)).toBeUndefined();
    expect(findRefusedAddress("x", ["10.2.0.1"], allowlist)?.kind).toBe("private");
    expect(findRefusedAddress("x", ["fd00:1::1"], allowlist)).toBeUndefined();
    expect(findRefusedAddress("hooks.internal", ["10.9.9.9"], allowlist)).toBeUndefined();
    expect(findRefusedAddress("a.b.svc.local", ["192.168.0.1"], allowlist)).toBeUndefined();
    expect(findRefusedAddress("svc.local.evil.com", ["192.168.0.1"], allowlist)?.kind).toBe("private");
    // The metadata address stays refused unless it is listed itself.
    expect(findRefusedAddress("x", ["169.254.169.254"], allowlist)?.kind).toBe("metadata");
  });
});
