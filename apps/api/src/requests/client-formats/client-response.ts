import type { ClientFormat, RequestRecord } from "@switchyard/contracts";
import { convertToAnthropicResponse, convertToGeminiResponse, convertToOpenAiResponse } from "@switchyard/providers";

export type ClientResponse = { response: unknown } | { responseError: string };

/**
 * A succeeded request's result in the format the client reads: the body its provider SDK would have received from
 * a synchronous call. Ids and timestamps derive from the record, so every read returns the same document. A
 * result the format cannot carry (a tool call whose arguments are not a JSON object, for Anthropic) is reported
 * instead of being reshaped.
 */
export function clientResponse(format: ClientFormat, record: RequestRecord): ClientResponse | undefined {
  const result = record.result;
  if (result === undefined) return undefined;
  try {
    switch (format) {
      case "openai":
        return { response: convertToOpenAiResponse(result, { id: `chatcmpl-${record.id}`, nowMs: record.finishedAtMs ?? record.updatedAtMs }) };
      case "anthropic":
        return { response: convertToAnthropicResponse(result, { id: `msg_${record.id}` }) };
      case "gemini":
        return { response: { ...convertToGeminiResponse(result), responseId: record.id } };
    }
  } catch (error) {
    return { responseError: error instanceof Error ? error.message : String(error) };
  }
}
