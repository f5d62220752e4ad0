import { ProviderError, type ProviderErrorKind } from "@switchyard/contracts";
import type { RequestDeadline } from "./request-deadline.js";

export interface ProviderErrorContext {
  provider: string;
  deploymentId?: string;
}

/** undici's timeout errors and the socket's own. */
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

/**
 * Turns whatever a call threw (undici's errors, socket errors, an abort) into a `ProviderError`, judging by
 * which deadline fired and by error `code`s, never by message text. A `ProviderError` passes through.
 *
 * The caller's own abort is reported as `timeout`: the contract has no "cancelled" kind, and to the queue a
 * call cut short by its owner (a job deadline, a worker shutting down) is a call that did not finish in time.
 */
export function mapTransportError(
  error: unknown,
  deadline: Pick<RequestDeadline, "timedOut" | "callerAborted">,
  context: ProviderErrorContext,
  timeoutMs: number,
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (deadline.timedOut) return providerError("timeout", `no answer within ${timeoutMs} ms`, context);
  if (deadline.callerAborted) return providerError("timeout", "the call was aborted by its caller", context);

  const code = errorCode(error);
  const detail = `${code ?? "unknown error"}: ${error instanceof Error ? error.message : String(error)}`;
  if (code !== undefined && TIMEOUT_CODES.has(code)) return providerError("timeout", detail, context);
  // llhttp's parse errors (HPE_*): the peer answered, but not with HTTP we can read.
  if (code?.startsWith("HPE_")) return providerError("invalid_response", detail, context);
  // Everything else is `network`: refused or reset connections (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET), DNS
  // failures, and errors nobody anticipated. The call did not produce an answer, and trying again is safe.
  return providerError("network", detail, context);
}

function providerError(kind: ProviderErrorKind, message: string, context: ProviderErrorContext): ProviderError {
  return new ProviderError({ kind, message, provider: context.provider, deploymentId: context.deploymentId });
}

/**
 * The error's `code`, looking through `cause` and `AggregateError.errors` (Node's happy-eyeballs connect
 * reports one failure per address that way).
 */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 3) return undefined;
  if ("code" in error && typeof error.code === "string") return error.code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = errorCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return "cause" in error ? errorCode(error.cause, depth + 1) : undefined;
}
