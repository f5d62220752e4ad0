import { request as sendRequest, type Dispatcher } from "undici";
import type { DeploymentConfig } from "@switchyard/config";
import type { OpenAiChatRequestBody } from "./convert-to-openai-request.js";

/** How the adapter reaches the network; shared by `chat` and `stream`. */
export interface OpenAiTransport {
  dispatcher: Dispatcher;
  /** Overrides `deployment.timeoutMs` as the wait for response headers. */
  headersTimeoutMs?: number;
  /** Overrides `deployment.timeoutMs` as the longest pause between body chunks. */
  bodyTimeoutMs?: number;
}

export interface OpenAiChatCall {
  deployment: DeploymentConfig;
  apiKey?: string;
  body: OpenAiChatRequestBody;
  signal: AbortSignal;
}

/**
 * POSTs a body to `<baseUrl>/chat/completions`. The response's body is the caller's to consume or destroy:
 * an unread body holds its pooled connection.
 */
export function sendOpenAiChatRequest(call: OpenAiChatCall, transport: OpenAiTransport): Promise<Dispatcher.ResponseData> {
  const { deployment, apiKey, body, signal } = call;
  return sendRequest(chatCompletionsUrl(deployment.baseUrl), {
    method: "POST",
    dispatcher: transport.dispatcher,
    signal,
    headers: {
      "content-type": "application/json",
      accept: body.stream ? "text/event-stream" : "application/json",
      ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
    },
    body: JSON.stringify(body),
    headersTimeout: transport.headersTimeoutMs ?? deployment.timeoutMs,
    bodyTimeout: transport.bodyTimeoutMs ?? deployment.timeoutMs,
  });
}

function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}
