import { z } from "zod";

/** Every error the API returns has this shape (OpenAI's). */
export const apiErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.string().nullable(),
    param: z.string().nullable(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** The `202 Accepted` answer to `POST /v1/requests`. */
export const acceptedResponseSchema = z.object({
  id: z.string(),
  status: z.string(),
  tier: z.string(),
  status_url: z.string(),
});
export type AcceptedResponse = z.infer<typeof acceptedResponseSchema>;
