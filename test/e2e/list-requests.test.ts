import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../support/api-client.js";
import { startStack, type TestStack } from "../support/stack.js";

// GET /v1/requests: a tenant's own requests, newest first, filtered and paged with an opaque cursor.
describe("GET /v1/requests", () => {
  let stack: TestStack;
  let acme: ApiClient;
  let other: ApiClient;
  const acmeTenant = `list-acme-${randomUUID().slice(0, 8)}`;
  const otherTenant = `list-other-${randomUUID().slice(0, 8)}`;
  /** acme's request ids, oldest first. */
  const acmeIds: string[] = [];
  let otherId: string;
  let betweenMs: number;

  async function tenantClient(tenant: string): Promise<ApiClient> {
    const created = await stack.api.post("/v1/admin/keys", { tenant, scopes: ["submit", "read"] });
    expect(created.status).toBe(201);
    return new ApiClient(stack.apiUrl, created.body.key);
  }

  beforeAll(async () => {
    stack = await startStack(inject("redisUrl"));
    acme = await tenantClient(acmeTenant);
    other = await tenantClient(otherTenant);
    for (let i = 0; i < 7; i++) {
      if (i === 4) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        betweenMs = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const submitted = await acme.post("/v1/requests", { messages: [{ role: "user", content: `list me ${i}` }] });
      expect(submitted.status).toBe(202);
      acmeIds.push(submitted.body.id);
    }
    otherId = (await other.post("/v1/requests", { messages: [{ role: "user", content: "not yours" }] })).body.id;
    // Let them finish, so the status filter has two populations once one more is left waiting.
    for (const id of acmeIds) expect((await acme.get(`/v1/requests/${id}?wait=20`)).body.status).toBe("succeeded");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("lists the caller's own tenant's requests, newest first, as summaries", async () => {
    const page = await acme.get("/v1/requests");
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ object: "list", has_more: false, next_cursor: null });
    expect(page.body.data.map((summary: { id: string }) => summary.id)).toEqual([...acmeIds].reverse());
    const [newest] = page.body.data;
    expect(newest).toMatchObject({ object: "request", id: acmeIds.at(-1), status: "succeeded", tenant: acmeTenant, client_format: "openai" });
    expect(newest.created_at_ms).toEqual(expect.any(Number));
    expect(newest.cost_usd).toEqual(expect.any(Number));
    // Summaries only: the record (GET /v1/requests/{id}) has the hops and the result.
    expect(newest).not.toHaveProperty("hops");
    expect(newest).not.toHaveProperty("result");
    expect(page.body.data.map((summary: { id: string }) => summary.id)).not.toContain(otherId);
  });

  it("pages with limit and the opaque cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await acme.get(`/v1/requests?limit=3${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((summary: { id: string }) => summary.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...acmeIds].reverse());
    expect(pages).toBe(3);
  });

  it("filters by status (one or several) and by creation time (ISO 8601 or epoch ms)", async () => {
    const failedOrQueued = await acme.get("/v1/requests?status=failed&status=queued");
    expect(failedOrQueued.body.data).toEqual([]);
    const succeeded = await acme.get("/v1/requests?status=succeeded,failed");
    expect(succeeded.body.data).toHaveLength(acmeIds.length);

    const before = await acme.get(`/v1/requests?created_before=${betweenMs}`);
    expect(before.body.data.map((summary: { id: string }) => summary.id)).toEqual(acmeIds.slice(0, 4).reverse());
    const after = await acme.get(`/v1/requests?created_after=${encodeURIComponent(new Date(betweenMs).toISOString())}`);
    expect(after.body.data.map((summary: { id: string }) => summary.id)).toEqual(acmeIds.slice(4).reverse());
  });

  it("lets an admin list every tenant, or one; a tenant key only its own", async () => {
    const everyone = await stack.api.get("/v1/requests?limit=100");
    const ids = everyone.body.data.map((summary: { id: string }) => summary.id);
    expect(ids).toEqual(expect.arrayContaining([...acmeIds, otherId]));
    const onlyOther = await stack.api.get(`/v1/requests?tenant=${otherTenant}`);
    expect(onlyOther.body.data.map((summary: { id: string }) => summary.id)).toEqual([otherId]);

    expect((await acme.get(`/v1/requests?tenant=${acmeTenant}`)).body.data).toHaveLength(acmeIds.length);
    const forbidden = await acme.get(`/v1/requests?tenant=${otherTenant}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ type: "permission_error", param: "tenant" });
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["status=lost", "status"],
    ["created_after=yesterday", "created_after"],
    ["after=not-a-cursor", "after"],
    ["tenant=a%20b", "tenant"],
  ])("answers a bad %s with a 400 naming %s", async (query, param) => {
    const response = await acme.get(`/v1/requests?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({ message: expect.any(String), type: "invalid_request_error", code: expect.any(String), param: expect.stringMatching(new RegExp(`^${param}`)) });
  });
});
