import { z } from "zod";
import { openAiUsageSchema } from "./openai-response-schema.js";

/**
 * The parts of OpenAI's `chat.completion.chunk` that Switchyard reads. Everything is optional: the first
 * chunk of Azure OpenAI carries only `prompt_filter_results` with empty `model` and `id`, and the usage chunk
 * (`stream_options.include_usage`) has empty `choices`.
 */
export const openAiStreamChunkSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().int().nonnegative().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  // OpenAI always sends `index`; servers that omit it are read by position in the array.
                  index: z.number().int().nonnegative().nullish(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAiUsageSchema.nullish(),
});
export type OpenAiStreamChunk = z.infer<typeof openAiStreamChunkSchema>;
