import type { Request, Response } from "express";
import { z } from "zod";
import { REQUEST_STATUSES, type RequestStatus } from "@switchyard/contracts";
import type { RequestCursor, RequestStore, RequestSummary } from "@switchyard/queue";
import { canSeeTenant, principalOf } from "../auth/principal.js";
import { ApiError } from "../http/api-error.js";
import { parseOrThrow } from "../http/parse-body.js";
import { toSnake } from "../http/to-snake.js";

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

/** A time as ISO 8601 (`2025-01-31T12:00:00Z`) or epoch milliseconds. */
const instantSchema = z.string().transform((text, context) => {
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    context.addIssue({ code: "custom", message: "must be an ISO 8601 time or epoch milliseconds" });
    return z.NEVER;
  }
  return ms;
});

/** One value, or the last of several (`?limit=5&limit=6`): a repeated scalar parameter is not worth a 400. */
function single<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (Array.isArray(value) ? value[value.length - 1] : value), schema);
}

/** The cursor is opaque to callers: base64url of `<createdAtMs>:<id>`. */
export function encodeCursor(cursor: RequestCursor): string {
  return Buffer.from(`${cursor.createdAtMs}:${cursor.id}`).toString("base64url");
}

function decodeCursor(text: string): RequestCursor | undefined {
  const match = /^(\d{1,15}):(req_[0-9a-z]{26})$/.exec(Buffer.from(text, "base64url").toString("utf8"));
  return match ? { createdAtMs: Number(match[1]), id: match[2] as string } : undefined;
}

const statusListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(",")).map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.enum(REQUEST_STATUSES, { message: `status must be one of ${REQUEST_STATUSES.join(", ")}` })).max(REQUEST_STATUSES.length * 4));

/** `GET /v1/requests` query parameters. Unknown ones are ignored, like everywhere else in the API. */
export const listRequestsQuerySchema = z
  .object({
    status: statusListSchema.optional(),
    created_after: single(instantSchema).optional(),
    created_before: single(instantSchema).optional(),
    limit: single(z.coerce.number().int().min(1).max(MAX_LIST_LIMIT, `limit must be at most ${MAX_LIST_LIMIT}`)).optional(),
    after: single(z.string().max(200)).optional(),
    tenant: single(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "tenant must be 1-64 characters of letters, digits, '_', '.', '-'")).optional(),
  })
  .loose();

/** A listed request: the record's summary (no hops, request or result; `GET /v1/requests/{id}` has those). */
export function summaryView(summary: RequestSummary): Record<string, unknown> {
  return { object: "request", ...(toSnake(summary) as Record<string, unknown>) };
}

/**
 * `GET /v1/requests`: the caller's tenant's requests, newest first. Admins see every tenant's, or one with
 * `?tenant=`; anyone else naming another tenant gets a 403 (naming one's own is fine).
 */
export async function listRequests(store: RequestStore, request: Request, response: Response): Promise<void> {
  // The `read` scope this needs is checked with every other route's (auth/route-scope.ts).
  const principal = principalOf(response);
  const query = parseOrThrow(listRequestsQuerySchema, request.query);
  const isAdmin = principal.scopes.includes("admin");
  if (query.tenant !== undefined && !canSeeTenant(principal, query.tenant)) {
    throw new ApiError(403, "permission_error", "a tenant's key lists only its own tenant's requests", "tenant_forbidden", "tenant");
  }
  const tenant = query.tenant ?? (isAdmin ? undefined : principal.tenant);
  let after: RequestCursor | undefined;
  if (query.after !== undefined) {
    after = decodeCursor(query.after);
    if (!after) throw ApiError.badRequest("after: not a cursor from this API (use next_cursor from the previous page)", "after", "invalid_cursor");
  }
  const page = await store
    .list({
      ...(tenant === undefined ? {} : { tenant }),
      ...(query.status ? { statuses: query.status as RequestStatus[] } : {}),
      ...(query.created_after === undefined ? {} : { createdAfterMs: query.created_after }),
      ...(query.created_before === undefined ? {} : { createdBeforeMs: query.created_before }),
      limit: query.limit ?? DEFAULT_LIST_LIMIT,
      ...(after ? { after } : {}),
    })
    .catch(() => {
      throw ApiError.unavailable("storage is unavailable, retry later");
    });
  response.json({
    object: "list",
    data: page.data.map(summaryView),
    has_more: page.hasMore,
    next_cursor: page.hasMore && page.nextCursor ? encodeCursor(page.nextCursor) : null,
  });
}
