import { anthropicStreamPresenter } from "./anthropic-stream-presenter.js";
import { openAiStreamPresenter } from "./openai-stream-presenter.js";
import type { StreamingFormat, StreamPresenter, StreamPresenterOptions } from "./stream-presenter.js";

/** The presenter for a caller's format. */
export function createStreamPresenter(format: StreamingFormat, options: StreamPresenterOptions): StreamPresenter {
  return format === "openai" ? openAiStreamPresenter(options) : anthropicStreamPresenter(options);
}
