import { z } from "zod";

/** OpenAI's `usage`, as both `chat.completion` and the last `chat.completion.chunk` of a stream carry it. */
export const openAiUsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});
export type OpenAiUsageBody = z.infer<typeof openAiUsageSchema>;

/** A function call in an answer. `id` and `arguments` are lenient for OpenAI-compatible servers that omit them. */
export const openAiToolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({ name: z.string().min(1), arguments: z.string().nullish() }),
});
export type OpenAiToolCallBody = z.infer<typeof openAiToolCallSchema>;

/**
 * The parts of OpenAI's `chat.completion` that Switchyard reads; everything else may change or be absent
 * without breaking us. Also accepted from OpenAI-compatible servers (vLLM, Ollama, llama.cpp, LM Studio).
 */
export const openAiChatResponseSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(openAiToolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  // Optional because some local OpenAI-compatible servers omit it; see map-openai-usage.ts.
  usage: openAiUsageSchema.nullish(),
});
export type OpenAiChatResponse = z.infer<typeof openAiChatResponseSchema>;

/** OpenAI's error body. Lenient: OpenAI-compatible servers send `{ "error": "text" }` or omit fields. */
export const openAiErrorBodySchema = z.object({
  error: z.union([
    z.string(),
    z.object({
      message: z.string().nullish(),
      type: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
      param: z.string().nullish(),
    }),
  ]),
});
export type OpenAiErrorBody = z.infer<typeof openAiErrorBodySchema>;
