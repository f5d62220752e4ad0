import { request as sendRequest, type Dispatcher } from "undici";
import type { ChatResult, ChatStreamEvent } from "@switchyard/contracts";
import type { DeploymentConfig } from "@switchyard/config";
import type { ProviderAdapter, ProviderCallOptions } from "../provider-adapter.js";
import { createHttpAgent, type HttpAdapterOptions } from "../http-agent.js";
import { createRequestDeadline } from "../request-deadline.js";
import { mapTransportError } from "../map-transport-error.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { mapGeminiResponse } from "./map-gemini-response.js";
import { mapGeminiError } from "./map-gemini-error.js";
import { mapGeminiStream } from "./map-gemini-stream.js";
import { parseSse } from "../sse/parse-sse.js";

export type GeminiAdapterOptions = HttpAdapterOptions;

/**
 * The adapter for Google's Gemini API (`generateContent` and `streamGenerateContent`, REST). `deployment.baseUrl` is
 * the versioned root, e.g. `https://generativelanguage.googleapis.com/v1beta`; the API key goes in `x-goog-api-key`
 * (never in the URL, where proxies and logs would keep it).
 */
export function createGeminiAdapter(options: GeminiAdapterOptions = {}): ProviderAdapter {
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createHttpAgent(options);

  function send(call: ProviderCallOptions, method: "generateContent" | "streamGenerateContent", signal: AbortSignal) {
    const { deployment, apiKey, request } = call;
    return sendRequest(modelUrl(deployment, method), {
      method: "POST",
      dispatcher,
      signal,
      headers: {
        "content-type": "application/json",
        accept: method === "generateContent" ? "application/json" : "text/event-stream",
        ...(apiKey === undefined ? {} : { "x-goog-api-key": apiKey }),
      },
      body: JSON.stringify(convertToGeminiRequest(request, deployment)),
      headersTimeout: options.headersTimeoutMs ?? deployment.timeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? deployment.timeoutMs,
    });
  }

  async function chat(call: ProviderCallOptions): Promise<ChatResult> {
    const { deployment } = call;
    const context = { provider: deployment.provider, deploymentId: deployment.id };
    const deadline = createRequestDeadline(deployment.timeoutMs, call.signal);
    try {
      // Converted before sending: a request Gemini cannot express is a bad_request, and is never sent.
      const response = await send(call, "generateContent", deadline.signal);
      // Always read the body: it carries the error details, and an unread body holds its pooled connection.
      const bodyText = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw mapGeminiError({ status: response.statusCode, headers: response.headers, bodyText }, context);
      }
      return mapGeminiResponse(bodyText, {
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

  /** The whole stream, headers to last event, runs under the one deadline of `deployment.timeoutMs`. */
  async function* stream(call: ProviderCallOptions): AsyncGenerator<ChatStreamEvent, void, undefined> {
    const { deployment } = call;
    const context = { provider: deployment.provider, deploymentId: deployment.id };
    const deadline = createRequestDeadline(deployment.timeoutMs, call.signal);
    let response: Dispatcher.ResponseData | undefined;
    try {
      response = await send(call, "streamGenerateContent", deadline.signal);
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const bodyText = await response.body.text();
        throw mapGeminiError({ status: response.statusCode, headers: response.headers, bodyText }, context);
      }
      yield* mapGeminiStream(parseSse(response.body), { ...context, requestedModel: deployment.model, headers: response.headers });
    } catch (error) {
      throw mapTransportError(error, deadline, context, deployment.timeoutMs);
    } finally {
      // A consumer that stops early leaves the body half-read: destroy it so the connection is not reused mid-answer.
      if (response !== undefined && !response.body.destroyed) response.body.destroy();
      deadline.dispose();
    }
  }

  return {
    format: "gemini",
    chat,
    stream,
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function modelUrl(deployment: DeploymentConfig, method: "generateContent" | "streamGenerateContent"): string {
  // Accept the model both as "gemini-2.5-flash" and as the resource name "models/gemini-2.5-flash".
  const model = encodeURIComponent(deployment.model.replace(/^models\//, ""));
  const url = `${deployment.baseUrl.replace(/\/+$/, "")}/models/${model}:${method}`;
  return method === "streamGenerateContent" ? `${url}?alt=sse` : url;
}
