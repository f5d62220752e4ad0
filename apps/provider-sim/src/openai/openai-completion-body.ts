import { randomUUID } from "node:crypto";
import { hashString } from "../random-source.js";
import type { SimReply } from "../generation/sim-turn.js";
import type { Exchange } from "../generation/wire-format.js";
import type { ChatCompletionRequest } from "./openai-wire-schema.js";

/** A `chat.completion` object as OpenAI sends it. */
export function openAiCompletionBody(exchange: Exchange<ChatCompletionRequest>) {
  const { turn, replies } = exchange;
  let completionTokens = 0;
  const choices = replies.map((reply, index) => {
    completionTokens += reply.outputTokens;
    return { index, message: messageOf(reply), logprobs: null, finish_reason: openAiFinishReason(reply) };
  });
  return {
    id: completionId(),
    object: "chat.completion",
    created: Math.floor(exchange.nowMs / 1000),
    model: turn.model,
    choices,
    usage: openAiUsage(turn.promptTokens, completionTokens),
    service_tier: "default",
    system_fingerprint: systemFingerprint(turn.model),
  };
}

function messageOf(reply: SimReply) {
  switch (reply.kind) {
    case "text":
      return { role: "assistant", content: reply.text, refusal: null, annotations: [] };
    case "tool_call":
      return {
        role: "assistant",
        content: null,
        tool_calls: [{ id: toolCallId(), type: "function", function: { name: reply.name, arguments: reply.argumentsJson } }],
        refusal: null,
        annotations: [],
      };
    case "filtered":
      return { role: "assistant", content: null, refusal: null, annotations: [] };
  }
}

export function openAiFinishReason(reply: SimReply): "stop" | "length" | "tool_calls" | "content_filter" {
  switch (reply.kind) {
    case "text":
      return reply.finish === "length" ? "length" : "stop";
    case "tool_call":
      return "tool_calls";
    case "filtered":
      return "content_filter";
  }
}

export function openAiUsage(promptTokens: number, completionTokens: number) {
  return {
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
  };
}

export function completionId(): string {
  return `chatcmpl-${randomUUID().replaceAll("-", "")}`;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `call_` and 24 alphanumerics, as OpenAI names tool calls. */
export function toolCallId(): string {
  let id = "call_";
  for (let index = 0; index < 24; index++) id += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)];
  return id;
}

const fingerprints = new Map<string, string>();
export function systemFingerprint(model: string): string {
  let fingerprint = fingerprints.get(model);
  if (fingerprint === undefined) {
    fingerprint = `fp_${hashString(model).toString(16).padStart(8, "0")}`;
    if (fingerprints.size < 1_000) fingerprints.set(model, fingerprint);
  }
  return fingerprint;
}
