import { textPieces } from "../generation/text-pieces.js";
import type { Exchange, StreamAnswer, StreamEvent } from "../generation/wire-format.js";
import {
  NEGLIGIBLE_RATINGS,
  geminiBlockedBody,
  geminiFinishReason,
  geminiPart,
  geminiResponseId,
  geminiUsage,
} from "./gemini-response-body.js";
import type { GenerateContentRequest } from "./gemini-wire-schema.js";

const WORDS_PER_CHUNK = 8;

/**
 * `streamGenerateContent` chunks: each a whole `GenerateContentResponse` with the next piece of text; every
 * chunk carries the prompt's usage, and a candidate's last chunk its `finishReason`; the final chunk carries
 * the complete `usageMetadata`. A tool call arrives whole in one chunk; a filtered prompt is one chunk.
 */
export function geminiStream(exchange: Exchange<GenerateContentRequest>, sse: boolean): StreamAnswer {
  const { turn, replies } = exchange;
  const responseId = geminiResponseId();
  const contentType = sse ? "text/event-stream" : "application/json; charset=UTF-8";
  if (replies[0]?.kind === "filtered") {
    return { contentType, events: [{ data: JSON.stringify(geminiBlockedBody(turn.model, turn.promptTokens, responseId)) }] };
  }

  const promptUsage = { promptTokenCount: turn.promptTokens, totalTokenCount: turn.promptTokens };
  const totalOutput = replies.reduce((sum, reply) => sum + reply.outputTokens, 0);
  const chunks: object[] = [];
  replies.forEach((reply, index) => {
    const parts =
      reply.kind === "text" ? textPieces(reply.text, WORDS_PER_CHUNK).map((text) => ({ text })) : [geminiPart(reply)];
    if (parts.length === 0) parts.push({ text: "" });
    parts.forEach((part, partIndex) => {
      const last = partIndex === parts.length - 1;
      const candidate = { content: { parts: [part], role: "model" }, index };
      const finish = { finishReason: geminiFinishReason(reply), safetyRatings: NEGLIGIBLE_RATINGS };
      chunks.push({
        candidates: [last ? { ...candidate, ...finish } : candidate],
        usageMetadata: promptUsage,
        modelVersion: turn.model,
        responseId,
      });
    });
  });
  const final = chunks.at(-1) as { usageMetadata: object } | undefined;
  if (final) final.usageMetadata = geminiUsage(turn.promptTokens, totalOutput);
  return { contentType, events: chunks.map((chunk) => ({ data: JSON.stringify(chunk) })) };
}

/** `alt=sse`: `data: <chunk>\r\n\r\n` per chunk. Otherwise a JSON array streamed element by element. */
export function serializeGeminiStream(events: readonly StreamEvent[], sse: boolean): string[] {
  if (sse) return events.map((event) => `data: ${event.data}\r\n\r\n`);
  return events.map((event, index) => `${index === 0 ? "[" : ",\r\n"}${event.data}${index === events.length - 1 ? "]" : ""}`);
}
