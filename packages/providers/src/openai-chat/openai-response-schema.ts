import { z } from "zod";

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
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  // Optional because some local OpenAI-compatible servers omit it; see map-openai-response.ts.
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
      prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
    })
    .nullish(),
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
