import { request as sendRequest } from "undici";
import type { ChatResult } from "@switchyard/contracts";
import type { ProviderAdapter, ProviderCallOptions } from "../provider-adapter.js";
import { createHttpAgent, type HttpAdapterOptions } from "../http-agent.js";
import { createRequestDeadline } from "../request-deadline.js";
import { mapTransportError } from "../map-transport-error.js";
import { convertToOpenAiRequest } from "./convert-to-openai-request.js";
import { mapOpenAiResponse } from "./map-openai-response.js";
import { mapOpenAiError } from "./map-openai-error.js";

export type OpenAiChatAdapterOptions = HttpAdapterOptions;

/**
 * The adapter for OpenAI's chat-completions API and every server that speaks it (Azure-style proxies, vLLM,
 * Ollama, llama.cpp, LM Studio, the provider simulator). `deployment.baseUrl` ends in `/v1`.
 */
export function createOpenAiChatAdapter(options: OpenAiChatAdapterOptions = {}): ProviderAdapter {
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createHttpAgent(options);

  async function chat({ deployment, apiKey, request, signal }: ProviderCallOptions): Promise<ChatResult> {
    const context = { provider: deployment.provider, deploymentId: deployment.id };
    const deadline = createRequestDeadline(deployment.timeoutMs, signal);
    try {
      const response = await sendRequest(chatCompletionsUrl(deployment.baseUrl), {
        method: "POST",
        dispatcher,
        signal: deadline.signal,
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
        },
        body: JSON.stringify(convertToOpenAiRequest(request, deployment)),
        headersTimeout: options.headersTimeoutMs ?? deployment.timeoutMs,
        bodyTimeout: options.bodyTimeoutMs ?? deployment.timeoutMs,
      });
      // Always read the body: it carries the error details, and an unread body holds its pooled connection.
      const bodyText = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw mapOpenAiError({ status: response.statusCode, headers: response.headers, bodyText }, context);
      }
      return mapOpenAiResponse(bodyText, { ...context, status: response.statusCode, requestedModel: deployment.model });
    } catch (error) {
      throw mapTransportError(error, deadline, context, deployment.timeoutMs);
    } finally {
      deadline.dispose();
    }
  }

  return {
    format: "openai-chat",
    chat,
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}
