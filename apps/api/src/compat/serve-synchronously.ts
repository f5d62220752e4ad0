import type { Response } from "express";
import { isTerminalStatus, type ChatRequest, type ClientFormat } from "@switchyard/contracts";
import type { RequestCanceller, RequestEvents } from "@switchyard/queue";
import { principalOf } from "../auth/principal.js";
import { ApiError } from "../http/api-error.js";
import { clientResponse } from "../requests/client-formats/client-response.js";
import { submitRequest, type SubmitDependencies } from "../requests/submit-request.js";
import { awaitOutcome } from "./await-outcome.js";
import { cancelForDepartedCaller, watchCaller } from "./caller-presence.js";
import { requestFailure } from "./failure-status.js";

export interface SyncDependencies extends SubmitDependencies {
  events: RequestEvents;
  /** How long a synchronous caller is kept waiting before it gets a 504 naming the request to poll. */
  syncTimeoutMs: number;
  /** Cancels the request of a caller that disconnects before its outcome. */
  canceller: RequestCanceller;
}

/**
 * A drop-in endpoint's request: the same acceptance (classification, tier queue, cascade, limits) as
 * `POST /v1/requests`, then a wait for the outcome, answered in the caller's own format, with headers naming the
 * request, the deployment that served it and the cost. A caller that disconnects first cancels the request (its
 * provider call is aborted); one that runs out of `syncTimeoutMs` gets a 504 naming the request, which keeps running.
 */
export async function serveSynchronously(dependencies: SyncDependencies, response: Response, format: ClientFormat, chat: ChatRequest): Promise<void> {
  const accepted = await submitRequest(dependencies, chat, format, principalOf(response));
  const id = accepted.id;
  response.set("x-switchyard-request-id", id);
  const gone = watchCaller(response);
  const record = await awaitOutcome(dependencies, id, dependencies.syncTimeoutMs, gone);
  if (gone.aborted) {
    if (!record || !isTerminalStatus(record.status)) cancelForDepartedCaller(dependencies, id);
    return;
  }
  if (!record) throw ApiError.notFound(`request ${id} expired`);
  if (!isTerminalStatus(record.status)) {
    throw new ApiError(504, "timeout_error", `request ${id} is still ${record.status}; poll /v1/requests/${id}`, "still_running");
  }
  if (record.status !== "succeeded") throw requestFailure(record.error);
  const presented = clientResponse(format, record);
  if (!presented || !("response" in presented)) {
    throw new ApiError(502, "api_error", presented && "responseError" in presented ? presented.responseError : "no result", "unpresentable_result");
  }
  response.set({
    "x-switchyard-deployment": record.deploymentId ?? "",
    "x-switchyard-tier": record.tier,
    "x-switchyard-cost-usd": String(record.costUsd ?? 0),
    ...(record.servedFromCache ? { "x-switchyard-cache": "hit" } : {}),
  });
  response.json(presented.response);
}
