import { Router } from "express";
import { z } from "zod";
import { clientFormatSchema, isTerminalStatus, REQUEST_ID_PATTERN } from "@switchyard/contracts";
import type { RequestEvents } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";
import { parseOrThrow } from "../http/parse-body.js";
import { canSeeTenant, principalOf } from "../auth/principal.js";
import { readClientRequest } from "./client-formats/read-client-request.js";
import { readIdempotencyKey, REPLAYED_HEADER, requestFingerprint, submitIdempotently } from "./idempotency.js";
import { listRequests } from "./list-requests.js";
import { recordView } from "./record-view.js";
import { submitRequest, type SubmitDependencies } from "./submit-request.js";

export interface RequestsRouterDependencies extends SubmitDependencies {
  events: RequestEvents;
  longPollMaxSeconds: number;
  /** How long an Idempotency-Key is remembered (config `api.idempotencyTtlSeconds`). */
  idempotencyTtlSeconds: number;
  /** How long a key stays claimed by a submission that never settles it (config `api.idempotencyPendingTtlSeconds`). */
  idempotencyPendingTtlSeconds: number;
}

/** `?format=`: the client's wire format (default `openai`); see client-formats/. */
const formatQuerySchema = z.object({ format: clientFormatSchema.optional() }).loose();

function readQuerySchema(maxSeconds: number) {
  return formatQuerySchema.extend({
    wait: z.coerce.number().min(0).max(maxSeconds, `wait must be at most ${maxSeconds} seconds`).optional(),
  });
}

export function requestsRouter(dependencies: RequestsRouterDependencies): Router {
  const router = Router();
  const { store, events } = dependencies;
  const readQuery = readQuerySchema(dependencies.longPollMaxSeconds);

  const idempotencyKeys = store.idempotencyKeys({
    ttlSeconds: dependencies.idempotencyTtlSeconds,
    pendingTtlMs: dependencies.idempotencyPendingTtlSeconds * 1000,
  });

  router.get("/requests", async (request, response) => {
    await listRequests(store, request, response);
  });

  router.post("/requests", async (request, response) => {
    const { format = "openai" } = parseOrThrow(formatQuerySchema, request.query);
    const idempotencyKey = readIdempotencyKey(request);
    const body = readClientRequest(format, request.body);
    const accept = async () => {
      const record = await submitRequest(dependencies, body, format, principalOf(response));
      const statusUrl = `${request.protocol}://${request.get("host")}/v1/requests/${record.id}`;
      return {
        requestId: record.id,
        httpStatus: 202,
        body: { id: record.id, object: "request", status: record.status, tier: record.tier, status_url: statusUrl },
      };
    };
    // Without the header nothing changes on the hot path: no fingerprint, no extra round trip.
    const answer =
      idempotencyKey === undefined
        ? { ...(await accept()), replayed: false }
        : await submitIdempotently(
            idempotencyKeys,
            { tenant: principalOf(response).tenant, key: idempotencyKey, fingerprint: requestFingerprint(format, request.body) },
            accept,
          );
    if (answer.replayed) response.set(REPLAYED_HEADER, "true");
    const statusUrl = answer.body.status_url;
    if (typeof statusUrl === "string") response.location(statusUrl);
    response.status(answer.httpStatus).json(answer.body);
  });

  router.get("/requests/:id", async (request, response) => {
    const id = request.params.id;
    if (!REQUEST_ID_PATTERN.test(id)) throw ApiError.notFound(`no request ${JSON.stringify(id.slice(0, 64))}`);
    const { wait, format } = parseOrThrow(readQuery, request.query);
    const read = async () => {
      try {
        return await store.get(id);
      } catch {
        throw ApiError.unavailable("storage is unavailable, retry later");
      }
    };
    let record = await read();
    // Another tenant's request is answered exactly like a missing one: its existence is not for this key to learn.
    const principal = principalOf(response);
    if (!record || !canSeeTenant(principal, record.tenant)) throw ApiError.notFound(`no request ${id}`);
    if (wait && !isTerminalStatus(record.status)) {
      const gone = new AbortController();
      response.on("close", () => gone.abort());
      // Subscribe before re-reading, so a transition between the two reads is not missed.
      const terminal = events.waitFor(id, wait * 1000, gone.signal);
      record = await read();
      if (record && !isTerminalStatus(record.status)) {
        await terminal;
        record = await read();
      }
      gone.abort();
      if (!record) throw ApiError.notFound(`no request ${id}`);
    }
    response.json(recordView(record, format));
  });

  return router;
}
