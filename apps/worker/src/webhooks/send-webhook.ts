import { request, type Dispatcher } from "undici";
import type { WebhookHeaders } from "./sign-webhook.js";
import { WebhookAddressRefusedError } from "./guarded-agent.js";
import { parseRetryAfterMs } from "./retry-schedule.js";

/** How much of a receiver's answer is kept (in the job's log): enough to debug, never a stored copy. */
export const RESPONSE_EXCERPT_BYTES = 256;

/**
 * One attempt's outcome, as data the delivery worker branches on: `delivered` (2xx), `gone` (410: stop for good),
 * `refused` (the SSRF policy: retrying cannot help), `failed` (anything else: retry on the schedule).
 */
export type SendOutcome =
  | { kind: "delivered"; httpStatus: number; durationMs: number; excerpt: string }
  | { kind: "gone"; httpStatus: 410; durationMs: number; excerpt: string }
  | { kind: "refused"; message: string }
  | { kind: "failed"; httpStatus?: number; retryAfterMs?: number; durationMs: number; message: string; excerpt?: string };

async function readExcerpt(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } catch {
    // A receiver that breaks off its answer has still answered with its status.
  } finally {
    // Whatever is left is not read: the connection is closed rather than drained.
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString("utf8");
}

/**
 * POSTs one signed webhook through the guarded agent. Redirects are not followed (a 3xx is a failure, as the
 * spec recommends, and following one would be a way around the address check's first verdict). The whole
 * attempt (connect, send, answer) has `timeoutMs`.
 */
export async function sendWebhook(
  dispatcher: Dispatcher,
  target: { url: string; headers: WebhookHeaders; body: string; timeoutMs: number },
  now: () => number = Date.now,
): Promise<SendOutcome> {
  const startedAtMs = now();
  try {
    const response = await request(target.url, {
      method: "POST",
      dispatcher,
      headers: { ...target.headers },
      body: target.body,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const excerpt = await readExcerpt(response.body);
    const durationMs = now() - startedAtMs;
    const httpStatus = response.statusCode;
    if (httpStatus >= 200 && httpStatus < 300) return { kind: "delivered", httpStatus, durationMs, excerpt };
    if (httpStatus === 410) return { kind: "gone", httpStatus, durationMs, excerpt };
    const retryAfter = response.headers["retry-after"];
    const retryAfterMs = parseRetryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, now());
    return {
      kind: "failed",
      httpStatus,
      durationMs,
      message: `the receiver answered ${httpStatus}`,
      excerpt,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (error) {
    if (WebhookAddressRefusedError.is(error)) return { kind: "refused", message: error.message };
    const durationMs = now() - startedAtMs;
    const name = (error as { name?: string }).name;
    const message =
      name === "TimeoutError" || name === "AbortError" || name === "HeadersTimeoutError" || name === "BodyTimeoutError"
        ? `no answer within ${target.timeoutMs} ms`
        : `${(error as { code?: string }).code ?? name ?? "error"}: ${(error as Error).message}`;
    return { kind: "failed", durationMs, message };
  }
}
