import { z } from "zod";

/**
 * The wire format a client speaks: the shape of the body it submits and of the response it reads back. Any
 * deployment may serve any client format; the API converts on the way in and on the way out.
 */
export const CLIENT_FORMATS = ["openai", "anthropic", "gemini"] as const;
export const clientFormatSchema = z.enum(CLIENT_FORMATS);
export type ClientFormat = z.infer<typeof clientFormatSchema>;
