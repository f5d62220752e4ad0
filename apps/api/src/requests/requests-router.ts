import { Router } from "express";
import { z } from "zod";
import { chatRequestSchema, isTerminalStatus, REQUEST_ID_PATTERN } from "@switchyard/contracts";
import type { RequestEvents } from "@switchyard/queue";
import { ApiError } from "../http/api-error.js";
import { parseOrThrow } from "../http/parse-body.js";
import { recordView } from "./record-view.js";
import { submitRequest, type SubmitDependencies } from "./submit-request.js";

export interface RequestsRouterDependencies extends SubmitDependencies {
  events: RequestEvents;
  longPollMaxSeconds: number;
}

function waitQuerySchema(maxSeconds: number) {
  return z
    .object({
      wait: z.coerce.number().min(0).max(maxSeconds, `wait must be at most ${maxSeconds} seconds`).optional(),
    })
    .loose();
}

export function requestsRouter(dependencies: RequestsRouterDependencies): Router {
  const router = Router();
  const { store, events } = dependencies;
  const waitQuery = waitQuerySchema(dependencies.longPollMaxSeconds);

  router.post("/requests", async (request, response) => {
    const body = parseOrThrow(chatRequestSchema, request.body);
    const record = await submitRequest(dependencies, body);
    const statusUrl = `${request.protocol}://${request.get("host")}/v1/requests/${record.id}`;
    response
      .status(202)
      .location(statusUrl)
      .json({ id: record.id, object: "request", status: record.status, tier: record.tier, status_url: statusUrl });
  });

  router.get("/requests/:id", async (request, response) => {
    const id = request.params.id;
    if (!REQUEST_ID_PATTERN.test(id)) throw ApiError.notFound(`no request ${JSON.stringify(id.slice(0, 64))}`);
    const { wait } = parseOrThrow(waitQuery, request.query);
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
    response.json(recordView(record));
  });

  return router;
}
