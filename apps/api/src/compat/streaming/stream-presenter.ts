import type { ChatStreamEvent, ClientFormat } from "@switchyard/contracts";
import type { ApiError } from "../../http/api-error.js";

/**
 * Turns a streamed answer's normalized events into one client format's server-sent events. Stateful (ids,
 * open content blocks), one per relayed stream; pure otherwise, so each format is tested without a server.
 */
export interface StreamPresenter {
  /** The frames for one event (`finish` included), often one, sometimes none. */
  event(event: ChatStreamEvent): string;
  /** The frames that close a complete answer, after its `finish`. */
  end(): string;
  /** The frames for an error after the stream began, in the format's documented shape; nothing follows them. */
  error(error: ApiError): string;
}

export interface StreamPresenterOptions {
  /** The request's id: every read of the answer (streamed or not) carries ids derived from it. */
  requestId: string;
  /** OpenAI's `stream_options.include_usage`: a last chunk with the usage. */
  includeUsage: boolean;
  nowMs: number;
}

/** The drop-in endpoints stream in OpenAI's and Anthropic's formats. */
export type StreamingFormat = Extract<ClientFormat, "openai" | "anthropic">;
