import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AddressAllowlist } from "@switchyard/contracts";
import { createGuardedAgent, type ResolveAll } from "./guarded-agent.js";
import { sendWebhook } from "./send-webhook.js";
import { webhookHeaders } from "./sign-webhook.js";

// A real receiver on 127.0.0.1, and real connections to it through the guarded agent: the refusals below happen
// when undici connects, after the name has been resolved, not in a check made beforehand.
describe("the SSRF-guarded agent", () => {
  let server: Server;
  let port: number;
  let received = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      received++;
      request.resume();
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (agent: ReturnType<typeof createGuardedAgent>, url: string) =>
    sendWebhook(agent, { url, headers: webhookHeaders("whsec_c2VjcmV0", "msg_t", Date.now(), "{}"), body: "{}", timeoutMs: 2_000 });

  /** A resolver that answers every name with the given addresses, as a rebinding DNS server would. */
  const resolvingTo = (...addresses: string[]): ResolveAll => (_hostname, callback) =>
    callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));

  it("refuses at connect time a host name that resolves to 127.0.0.1 (localhost), and sends nothing", async () => {
    const agent = createGuardedAgent({ allowlist: new AddressAllowlist([]), connectTimeoutMs: 2_000, resolve: resolvingTo("127.0.0.1") });
    const before = received;
    const outcome = await send(agent, `http://localhost:${port}/hook`);
    expect(outcome).toMatchObject({ kind: "refused" });
    expect(outcome.kind === "refused" && outcome.message).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(received).toBe(before);
    await agent.close();
  });

  it("refuses localhost through the system resolver too", async () => {
    const agent = createGuardedAgent({ allowlist: new AddressAllowlist([]), connectTimeoutMs: 2_000 });
    expect(await send(agent, `http://localhost:${port}/hook`)).toMatchObject({ kind: "refused" });
    await agent.close();
  });

  it("refuses a public-looking name that rebinds to a private address, and one that mixes both", async () => {
    for (const addresses of [["10.0.0.7"], ["93.184.216.34", "127.0.0.1"], ["::ffff:169.254.169.254"]]) {
      const agent = createGuardedAgent({ allowlist: new AddressAllowlist([]), connectTimeoutMs: 2_000, resolve: resolvingTo(...addresses) });
      expect(await send(agent, `http://hooks.example.com:${port}/`)).toMatchObject({ kind: "refused" });
      await agent.close();
    }
  });

  it.each(["http://127.0.0.1:PORT/", "http://2130706433:PORT/", "http://[::ffff:127.0.0.1]:PORT/", "http://0.0.0.0:PORT/", "http://[::1]:PORT/"])(
    "refuses the IP literal %s without resolving anything",
    async (template) => {
      const agent = createGuardedAgent({ allowlist: new AddressAllowlist([]), connectTimeoutMs: 2_000, resolve: () => expect.unreachable("resolved") });
      expect(await send(agent, template.replace("PORT", String(port)))).toMatchObject({ kind: "refused" });
      await agent.close();
    },
  );

  it("delivers when the allowlist admits the address, or the host name", async () => {
    for (const allowlist of [["127.0.0.1"], ["127.0.0.0/8"], ["localhost"]]) {
      const agent = createGuardedAgent({ allowlist: new AddressAllowlist(allowlist), connectTimeoutMs: 2_000, resolve: resolvingTo("127.0.0.1") });
      const before = received;
      expect(await send(agent, `http://localhost:${port}/hook`)).toMatchObject({ kind: "delivered", httpStatus: 204 });
      expect(await send(agent, `http://127.0.0.1:${port}/hook`)).toMatchObject(allowlist[0] === "localhost" ? { kind: "refused" } : { kind: "delivered" });
      expect(received).toBeGreaterThan(before);
      await agent.close();
    }
  });
});
