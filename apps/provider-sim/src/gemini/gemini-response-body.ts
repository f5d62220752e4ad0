import { randomBytes } from "node:crypto";
import type { SimReply } from "../generation/sim-turn.js";
import type { Exchange } from "../generation/wire-format.js";
import type { GenerateContentRequest } from "./gemini-wire-schema.js";

const HARM_CATEGORIES = [
  "HARM_CATEGORY_HATE_SPEECH",
  "HARM_CATEGORY_DANGEROUS_CONTENT",
  "HARM_CATEGORY_HARASSMENT",
  "HARM_CATEGORY_SEXUALLY_EXPLICIT",
] as const;

export const NEGLIGIBLE_RATINGS = HARM_CATEGORIES.map((category) => ({ category, probability: "NEGLIGIBLE" }));
/** What a blocked prompt's feedback shows: one category over the threshold. */
const BLOCKED_RATINGS = HARM_CATEGORIES.map((category, index) => ({
  category,
  probability: index === 1 ? "HIGH" : "NEGLIGIBLE",
  ...(index === 1 ? { blocked: true } : {}),
}));

/** A `GenerateContentResponse` as Gemini sends it; a filtered prompt has `promptFeedback` and no candidates. */
export function geminiResponseBody(exchange: Exchange<GenerateContentRequest>, responseId = geminiResponseId()) {
  const { turn, replies } = exchange;
  if (replies[0]?.kind === "filtered") return geminiBlockedBody(turn.model, turn.promptTokens, responseId);
  let candidatesTokens = 0;
  const candidates = replies.map((reply, index) => {
    candidatesTokens += reply.outputTokens;
    return {
      content: { parts: [geminiPart(reply)], role: "model" },
      finishReason: geminiFinishReason(reply),
      index,
      safetyRatings: NEGLIGIBLE_RATINGS,
    };
  });
  return {
    candidates,
    usageMetadata: geminiUsage(turn.promptTokens, candidatesTokens),
    modelVersion: turn.model,
    responseId,
  };
}

export function geminiBlockedBody(model: string, promptTokens: number, responseId: string) {
  return {
    promptFeedback: { blockReason: "SAFETY", safetyRatings: BLOCKED_RATINGS },
    usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
    modelVersion: model,
    responseId,
  };
}

export function geminiPart(reply: SimReply): object {
  if (reply.kind === "tool_call") return { functionCall: { name: reply.name, args: reply.input } };
  return { text: reply.kind === "text" ? reply.text : "" };
}

export function geminiFinishReason(reply: SimReply): "STOP" | "MAX_TOKENS" {
  return reply.kind === "text" && reply.finish === "length" ? "MAX_TOKENS" : "STOP";
}

export function geminiUsage(promptTokens: number, candidatesTokens: number) {
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidatesTokens,
    totalTokenCount: promptTokens + candidatesTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }],
  };
}

/** Gemini's response ids are short URL-safe base64 strings. */
export function geminiResponseId(): string {
  return randomBytes(15).toString("base64url");
}
