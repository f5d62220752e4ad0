import { chatResultToStreamEvents, type ChatResult, type ChatStreamEvent } from "@switchyard/contracts";
import type { ProviderAdapter, ProviderCallOptions } from "@switchyard/providers";
import type { RequestStreamWriter } from "@switchyard/queue";
import { StreamAssembler } from "./stream-assembler.js";

export type StreamCallOutcome =
  | { kind: "succeeded"; result: ChatResult }
  /** `began`: entries were written, so the caller has part of an answer and no other deployment may take over. */
  | { kind: "failed"; error: unknown; began: boolean };

/**
 * One streamed provider call: the adapter's events go to the request's stream (marked with the job's hop and the
 * deployment) as they arrive, and add up to the `ChatResult` the record keeps. `start` is held back until the
 * first piece of content, so a call that fails before saying anything has written nothing, and the cascade may
 * still fall back with a clean stream. `finish` is never written: the caller writes `done` once the record says
 * `succeeded`. An adapter without `stream` is called whole and its answer replayed as events.
 */
export async function streamCall(
  adapter: ProviderAdapter,
  options: ProviderCallOptions,
  writer: RequestStreamWriter,
  mark: { hop: number; deploymentId: string },
): Promise<StreamCallOutcome> {
  const assembler = new StreamAssembler();
  let heldStart: ChatStreamEvent | undefined;
  let began = false;
  const write = (event: ChatStreamEvent) => writer.append({ kind: "event", ...mark, event });
  const begin = () => {
    if (began) return;
    began = true;
    if (heldStart) write(heldStart);
  };
  try {
    const events: AsyncIterable<ChatStreamEvent> | Iterable<ChatStreamEvent> = adapter.stream
      ? adapter.stream(options)
      : chatResultToStreamEvents(await adapter.chat(options));
    for await (const event of events) {
      assembler.push(event);
      if (event.type === "finish") continue;
      if (event.type === "start") {
        if (!began) heldStart ??= event;
        continue;
      }
      begin();
      write(event);
    }
    const { deployment } = options;
    const result = assembler.result({ provider: deployment.provider, deploymentId: deployment.id, requestedModel: deployment.model });
    // An answer with no content still opens the stream, so the reader sees the model before `done`.
    begin();
    return { kind: "succeeded", result };
  } catch (error) {
    return { kind: "failed", error, began };
  }
}
