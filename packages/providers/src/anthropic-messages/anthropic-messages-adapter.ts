import { request as sendRequest, type Dispatcher } from "undici";
import type { ChatResult, ChatStreamEvent } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { ProviderAdapter, ProviderCallOptions } from "../provider-adapter.js";
import { createHttpAgent, type HttpAdapterOptions } from "../http-agent.js";
import { createRequestDeadline } from "../request-deadline.js";
import { mapTransportError } from "../map-transport-error.js";
import { convertToAnthropicRequest } from "./convert-to-anthropic-request.js";
import { mapAnthropicResponse } from "./map-anthropic-response.js";
import { mapAnthropicError } from "./map-anthropic-error.js";
import { mapAnthropicStream } from "./map-anthropic-stream.js";
import { parseSse } from "../sse/parse-sse.js";

export type AnthropicMessagesAdapterOptions = HttpAdapterOptions;

/** The API version every call pins; the request and response shapes here are this version's. */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * The adapter for Anthropic's Messages API (`POST <baseUrl>/messages`, `deployment.baseUrl` ending in `/v1`) and
 * the servers that speak it. Requests that the API cannot express (a temperature above 1, ...) fail as
 * `bad_request` before anything is sent; see convert-to-anthropic-request.ts.
 */
export function createAnthropicMessagesAdapter(options: AnthropicMessagesAdapterOptions = {}): ProviderAdapter {
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createHttpAgent(options);

  function send(deployment: DeploymentConfig, apiKey: string | undefined, body: unknown, signal: AbortSignal, accept: string) {
    return sendRequest(messagesUrl(deployment.baseUrl), {
      method: "POST",
      dispatcher,
      signal,
      headers: {
        "content-type": "application/json",
        accept,
        "anthropic-version": ANTHROPIC_VERSION,
        ...(apiKey === undefined ? {} : { "x-api-key": apiKey }),
      },
      body: JSON.stringify(body),
      headersTimeout: options.headersTimeoutMs ?? deployment.timeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? deployment.timeoutMs,
    });
  }

  async function chat({ deployment, apiKey, request, signal }: ProviderCallOptions): Promise<ChatResult> {
    const context = { provider: deployment.provider, deploymentId: deployment.id };
    const deadline = createRequestDeadline(deployment.timeoutMs, signal);
    try {
      const body = convertToAnthropicRequest(request, deployment);
      const response = await send(deployment, apiKey, body, deadline.signal, "application/json");
      // Always read the body: it carries the error details, and an unread body holds its pooled connection.
      const bodyText = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw mapAnthropicError({ status: response.statusCode, headers: response.headers, bodyText }, context);
      }
      return mapAnthropicResponse(bodyText, {
        ...context,
        status: response.statusCode,
        requestedModel: deployment.model,
        headers: response.headers,
      });
    } catch (error) {
      throw mapTransportError(error, deadline, context, deployment.timeoutMs);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * The same call with `stream: true`. `deployment.timeoutMs` bounds the whole stream, as it bounds a `chat`
   * call; `bodyTimeoutMs` bounds each pause between chunks.
   */
  async function* stream({ deployment, apiKey, request, signal }: ProviderCallOptions): AsyncGenerator<ChatStreamEvent, void, undefined> {
    const context = { provider: deployment.provider, deploymentId: deployment.id };
    const deadline = createRequestDeadline(deployment.timeoutMs, signal);
    let response: Dispatcher.ResponseData | undefined;
    try {
      const body = convertToAnthropicRequest(request, deployment, { stream: true });
      response = await send(deployment, apiKey, body, deadline.signal, "text/event-stream");
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const bodyText = await response.body.text();
        throw mapAnthropicError({ status: response.statusCode, headers: response.headers, bodyText }, context);
      }
      yield* mapAnthropicStream(parseSse(response.body), { ...context, requestedModel: deployment.model, headers: response.headers });
    } catch (error) {
      throw mapTransportError(error, deadline, context, deployment.timeoutMs);
    } finally {
      deadline.dispose();
      // A consumer that stopped early leaves the body unread: free the connection rather than hold it.
      if (response !== undefined && !response.body.destroyed) response.body.destroy();
    }
  }

  return {
    format: "anthropic-messages",
    chat,
    stream,
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function messagesUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/messages`;
}
