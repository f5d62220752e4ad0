import type { ChatResult } from "@switchyard/contracts";
import type { ProviderAdapter, ProviderCallOptions } from "../provider-adapter.js";
import { createHttpAgent, type HttpAdapterOptions } from "../http-agent.js";
import { createRequestDeadline } from "../request-deadline.js";
import { mapTransportError } from "../map-transport-error.js";
import { convertToOpenAiRequest } from "./convert-to-openai-request.js";
import { sendOpenAiChatRequest, type OpenAiTransport } from "./send-openai-chat-request.js";
import { mapOpenAiResponse } from "./map-openai-response.js";
import { mapOpenAiError } from "./map-openai-error.js";
import { streamOpenAiChat } from "./stream-openai-chat.js";

export type OpenAiChatAdapterOptions = HttpAdapterOptions;

/**
 * The adapter for OpenAI's chat-completions API and every server that speaks it (Azure-style proxies, vLLM,
 * Ollama, llama.cpp, LM Studio, the provider simulator). `deployment.baseUrl` ends in `/v1`.
 */
export function createOpenAiChatAdapter(options: OpenAiChatAdapterOptions = {}): ProviderAdapter {
  const ownsDispatcher = options.dispatcher === undefined;
  const transport: OpenAiTransport = {
    dispatcher: options.dispatcher ?? createHttpAgent(options),
    headersTimeoutMs: options.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs,
  };

  async function chat({ deployment, apiKey, request, signal }: ProviderCallOptions): Promise<ChatResult> {
    const context = { provider: deployment.provider, deploymentId: deployment.id };
    const deadline = createRequestDeadline(deployment.timeoutMs, signal);
    try {
      const body = convertToOpenAiRequest(request, deployment);
      const response = await sendOpenAiChatRequest({ deployment, apiKey, body, signal: deadline.signal }, transport);
      const { statusCode: status, headers } = response;
      // Always read the body: it carries the error details, and an unread body holds its pooled connection.
      const bodyText = await response.body.text();
      if (status < 200 || status >= 300) throw mapOpenAiError({ status, headers, bodyText }, context);
      return mapOpenAiResponse(bodyText, { ...context, status, requestedModel: deployment.model, headers });
    } catch (error) {
      throw mapTransportError(error, deadline, context, deployment.timeoutMs);
    } finally {
      deadline.dispose();
    }
  }

  return {
    format: "openai-chat",
    chat,
    stream: (callOptions) => streamOpenAiChat(callOptions, transport),
    async close() {
      if (ownsDispatcher) await transport.dispatcher.close();
    },
  };
}
