import { randomBytes } from "node:crypto";

/** A `msg_` id in Anthropic's style, for answers whose provider gave none. */
export function generateAnthropicMessageId(): string {
  return `msg_${randomBytes(18).toString("base64url")}`;
}
