import { Router } from "express";
import { z } from "zod";
import { clientFormatSchema, isTerminalStatus, REQUEST_ID_PATTERN } from "@switchyard/contracts";
import type { RequestEvents } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";
import { parseOrThrow } from "../http/parse-body.js";
import { readClientRequest } from "./client-formats/read-client-request.js";
import { recordView } from "./record-view.js";
import { submitRequest, type SubmitDependencies } from "./submit-request.js";

export interface RequestsRouterDependencies extends SubmitDependencies {
  events: RequestEvents;
  longPollMaxSeconds: number;
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

  router.post("/requests", async (request, response) => {
    const { format = "openai" } = parseOrThrow(formatQuerySchema, request.query);
    const body = readClientRequest(format, request.body);
    const record = await submitRequest(dependencies, body, format);
    const statusUrl = `${request.protocol}://${request.get("host")}/v1/requests/${record.id}`;
    response
      .status(202)
      .location(statusUrl)
      .json({ id: record.id, object: "request", status: record.status, tier: record.tier, status_url: statusUrl });
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
    if (!record) throw ApiError.notFound(`no request ${id}`);
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
