import { ProviderError, type ChatResult } from "@switchyard/contracts";
import { openAiChatResponseSchema } from "./openai-response-schema.js";
import { mapOpenAiFinishReason } from "./map-openai-finish-reason.js";
import { bodyExcerpt } from "../body-excerpt.js";
import type { ProviderErrorContext } from "../map-transport-error.js";

/**
 * A 2xx body → `ChatResult`, or an `invalid_response` ProviderError when it is not JSON or not a chat
 * completion (a proxy's HTML page, an error object with status 200, ...).
 */
export function mapOpenAiResponse(
  bodyText: string,
  context: ProviderErrorContext & { status: number; requestedModel: string },
): ChatResult {
  const invalid = (reason: string) =>
    new ProviderError({
      kind: "invalid_response",
      message: `${context.status} answer is ${reason}`,
      httpStatus: context.status,
      provider: context.provider,
      deploymentId: context.deploymentId,
      bodyExcerpt: bodyExcerpt(bodyText),
    });

  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    throw invalid("not JSON");
  }
  const parsed = openAiChatResponseSchema.safeParse(json);
  if (!parsed.success) throw invalid(`not a chat completion (${parsed.error.issues[0]?.path.join(".") || "body"})`);

  const response = parsed.data;
  // `choices.min(1)` guarantees the first choice; n > 1 is never requested.
  const choice = response.choices[0]!;
  const content = choice.message.content ?? null;
  // A refusal is a content decision by the model: report it as filtered rather than as an empty answer.
  const refused = content === null && typeof choice.message.refusal === "string";
  return {
    model: response.model ?? context.requestedModel,
    message: { role: "assistant", content },
    finishReason: refused ? "content_filter" : mapOpenAiFinishReason(choice.finish_reason),
    // Servers that omit usage are billed as zero rather than failing an answer that did arrive.
    usage: {
      inputTokens: response.usage?.prompt_tokens ?? 0,
      outputTokens: response.usage?.completion_tokens ?? 0,
      cachedInputTokens: response.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    },
    ...(response.id === undefined ? {} : { providerResponseId: response.id }),
  };
}
