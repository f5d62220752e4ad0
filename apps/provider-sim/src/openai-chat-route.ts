import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import {
  chatCompletionRequestSchema,
  type ChatCompletionRequest,
  type OpenAiErrorBody,
  type WireMessage,
} from "./openai-wire-schema.js";
import { OPENAI_ERRORS, invalidRequestError } from "./openai-errors.js";
import { generateCompletionText } from "./completion-text.js";
import { countPromptTokens } from "./token-count.js";
import { hashString } from "./random-source.js";
import { sampleLatencyMs } from "./latency.js";
import { parseJson, readBody, sendJson } from "./http-io.js";
import { checkApiKey } from "./check-api-key.js";
import { CLIENT_CLOSED_STATUS } from "./sim-stats.js";
import type { ModelBehaviour } from "./sim-config.js";
import type { SimContext } from "./sim-context.js";

/** `POST /v1/chat/completions`, answered in OpenAI's wire format. Prompt text is never logged. */
export async function handleChatCompletion(
  request: IncomingMessage,
  response: ServerResponse,
  context: SimContext,
): Promise<void> {
  const { state } = context;
  const requestId = `req_${randomUUID().replaceAll("-", "")}`;
  const reject = (status: number, body: unknown, model?: string, headers: Record<string, string> = {}) => {
    state.stats.record(model, status);
    sendJson(response, status, body, { "x-request-id": requestId, ...headers });
  };

  // OpenAI checks the key before it reads the body.
  const authError = checkApiKey(request, state.config.requireApiKey);
  if (authError) return reject(401, authError);

  const body = await readBody(request, context.bodyLimitBytes);
  if (!body.ok) {
    if (body.reason === "aborted") return;
    return reject(413, OPENAI_ERRORS.bodyTooLarge(context.bodyLimitBytes), undefined, { connection: "close" });
  }
  const json = parseJson(body.text);
  if (json === undefined) return reject(400, OPENAI_ERRORS.invalidJson());
  const parsed = chatCompletionRequestSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) return reject(400, invalidRequestError(parsed.error.issues[0]), modelOf(json));

  const completionRequest = parsed.data;
  const model = completionRequest.model;
  if (completionRequest.stream) return reject(400, OPENAI_ERRORS.streamUnsupported(), model);
  if (!state.isModelAllowed(model)) return reject(404, OPENAI_ERRORS.modelNotFound(model), model);

  const behaviour = state.behaviourFor(model);
  const injectedStatus = behaviour.errorRate > 0 && state.random() < behaviour.errorRate ? behaviour.errorStatus : undefined;
  const latencyMs = sampleLatencyMs(behaviour.latency, () => state.random());

  const answer = () => {
    if (injectedStatus !== undefined) {
      const { status, errorBody, headers } = injectedError(injectedStatus, model, behaviour);
      return reject(status, errorBody, model, { ...headers, "openai-processing-ms": String(latencyMs) });
    }
    const completion = buildCompletion(completionRequest);
    const totalTokens = completion.usage.total_tokens;
    state.stats.record(model, 200);
    sendJson(response, 200, completion, {
      "x-request-id": requestId,
      "openai-processing-ms": String(latencyMs),
      ...context.rateLimitHeaders.next(totalTokens, Date.now()),
    });
  };

  if (latencyMs <= 0) return answer();
  const timer = setTimeout(() => {
    context.pendingTimers.delete(timer);
    answer();
  }, latencyMs);
  context.pendingTimers.add(timer);
  response.once("close", () => {
    if (!context.pendingTimers.delete(timer)) return; // answered already
    clearTimeout(timer);
    state.stats.record(model, CLIENT_CLOSED_STATUS);
  });
}

interface InjectedError {
  status: number;
  errorBody: OpenAiErrorBody;
  headers: Record<string, string>;
}

function injectedError(status: ModelBehaviour["errorStatus"], model: string, behaviour: ModelBehaviour): InjectedError {
  switch (status) {
    case 429:
      return {
        status,
        errorBody: OPENAI_ERRORS.rateLimited(model, behaviour.retryAfterMs),
        headers: {
          "retry-after": String(Math.ceil(behaviour.retryAfterMs / 1000)),
          "retry-after-ms": String(behaviour.retryAfterMs),
        },
      };
    case 500:
      return { status, errorBody: OPENAI_ERRORS.serverError(), headers: {} };
    case 503:
      return { status, errorBody: OPENAI_ERRORS.overloaded(), headers: {} };
  }
}

function buildCompletion(request: ChatCompletionRequest) {
  const prompt = lastUserText(request.messages);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const stop = typeof request.stop === "string" ? [request.stop] : (request.stop ?? undefined);
  const choiceCount = request.n ?? 1;

  let completionTokens = 0;
  const choices = [];
  for (let index = 0; index < choiceCount; index++) {
    const text = generateCompletionText({ model: request.model, prompt, choiceIndex: index, maxTokens, stop });
    completionTokens += text.completionTokens;
    choices.push({
      index,
      message: { role: "assistant", content: text.content, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: text.finishReason,
    });
  }
  const promptTokens = countPromptTokens(request.messages);
  return {
    id: `chatcmpl-${randomUUID().replaceAll("-", "")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: systemFingerprint(request.model),
  };
}

/** The text of the last user message (the last message of any role when there is none). */
function lastUserText(messages: readonly WireMessage[]): string {
  const message = messages.findLast((candidate) => candidate.role === "user") ?? messages.at(-1);
  const content = message?.content;
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => part.text ?? "").join("\n");
}

const fingerprints = new Map<string, string>();
function systemFingerprint(model: string): string {
  let fingerprint = fingerprints.get(model);
  if (fingerprint === undefined) {
    fingerprint = `fp_${hashString(model).toString(16).padStart(8, "0")}`;
    if (fingerprints.size < 1_000) fingerprints.set(model, fingerprint);
  }
  return fingerprint;
}

function modelOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !("model" in json)) return undefined;
  return typeof json.model === "string" && json.model !== "" ? json.model : undefined;
}
