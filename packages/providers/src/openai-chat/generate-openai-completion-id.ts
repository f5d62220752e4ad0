import { randomBytes } from "node:crypto";

/** A `chatcmpl-` id in OpenAI's style, for answers whose provider gave none (local servers often do not). */
export function generateOpenAiCompletionId(): string {
  return `chatcmpl-${randomBytes(15).toString("base64url")}`;
}
