import { UnrecoverableError } from "bullmq";
import { ProviderError, type Hop, type RequestError } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { RequestStreamWriter } from "@switchyard/queue";
import type { Logger } from "@switchyard/logging";
import type { CascadeDependencies } from "../cascade/cascade-dependencies.js";
import { UNHEALTHY } from "../failure/provider-failure.js";

export interface MidStreamFailure {
  requestId: string;
  deployment: DeploymentConfig;
  hop: Omit<Hop, "outcome" | "durationMs">;
  error: unknown;
  probe: boolean;
  writer: RequestStreamWriter;
  log: Logger;
}

const NO_FALLBACK_NOTE = "failed after the stream began: the caller has part of this answer, so no other deployment may take over";

/**
 * A streamed call that broke after part of the answer reached the caller: no retry and no fallback (another
 * deployment's answer would not continue this one, and the caller cannot take back what it read), so the request
 * fails with the provider's error, the stream ends with an `error` entry, and the breaker learns of it as of any
 * failure. The one exception to the cascade, documented in docs/architecture.md.
 */
export async function failMidStream(dependencies: CascadeDependencies, failure: MidStreamFailure): Promise<Error> {
  const { store, breakers, now } = dependencies;
  const { requestId, deployment, hop, error, probe, writer, log } = failure;
  const requestError: RequestError = ProviderError.is(error)
    ? { code: error.kind, message: error.message, deploymentId: deployment.id, ...(error.data.httpStatus === undefined ? {} : { httpStatus: error.data.httpStatus }) }
    : { code: "internal", message: error instanceof Error ? error.message : String(error), deploymentId: deployment.id };
  const erroredHop: Hop = { ...hop, outcome: "error", error: requestError, durationMs: now() - hop.startedAtMs, note: NO_FALLBACK_NOTE };
  const unhealthy = ProviderError.is(error) ? UNHEALTHY.has(error.kind) : false;
  const [transition] = await Promise.all([
    store.finish(requestId, { status: "failed", error: requestError }, erroredHop),
    (unhealthy ? breakers.recordFailure(deployment.id, probe) : breakers.recordSuccess(deployment.id, probe)).catch((cause: unknown) => {
      log.warn({ err: cause }, "could not update the circuit breaker");
      return undefined;
    }),
  ]);
  if (transition === "applied") writer.append({ kind: "error", hop: hop.n, error: requestError });
  await writer.flush().catch((cause: unknown) => log.warn({ err: cause }, "could not end the request's stream"));
  log.warn({ error: requestError }, "streamed provider call failed after the stream began; no fallback");
  return new UnrecoverableError(`${requestError.code}: ${requestError.message} (mid-stream, no fallback)`);
}
