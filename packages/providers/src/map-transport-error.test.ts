import { describe, expect, it } from "vitest";
import { ProviderError } from "@switchyard/contracts";
import { errors } from "undici";
import { mapTransportError } from "./map-transport-error.js";

const context = { provider: "openai", deploymentId: "d1" };
const running = { timedOut: false, callerAborted: false };

function withCode(code: string): Error {
  return Object.assign(new Error("boom"), { code });
}

describe("mapTransportError", () => {
  it.each([
    [new errors.HeadersTimeoutError(), "timeout"],
    [new errors.BodyTimeoutError(), "timeout"],
    [new errors.ConnectTimeoutError(), "timeout"],
    [withCode("ETIMEDOUT"), "timeout"],
    [withCode("ECONNREFUSED"), "network"],
    [withCode("ECONNRESET"), "network"],
    [new errors.SocketError("other side closed"), "network"],
    [new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")]), "network"],
    [new TypeError("fetch failed", { cause: withCode("UND_ERR_CONNECT_TIMEOUT") }), "timeout"],
    [withCode("HPE_INVALID_CONSTANT"), "invalid_response"],
    ["a string", "network"],
  ] as const)("%o → %s", (error, kind) => {
    expect(mapTransportError(error, running, context, 1_000).kind).toBe(kind);
  });

  it("judges aborts by which deadline fired, not by the error", () => {
    const abort = new DOMException("aborted", "AbortError");
    expect(mapTransportError(abort, { timedOut: true, callerAborted: false }, context, 1_000).kind).toBe("timeout");
    expect(mapTransportError(abort, { timedOut: false, callerAborted: true }, context, 1_000).kind).toBe("timeout");
  });

  it("lets a ProviderError through untouched", () => {
    const original = new ProviderError({ kind: "auth", message: "no", provider: "openai" });
    expect(mapTransportError(original, { timedOut: true, callerAborted: false }, context, 1_000)).toBe(original);
  });
});
