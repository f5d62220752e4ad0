import { ProviderError, type ChatResult, type ChatStreamEvent, type FinishReason, type TokenUsage } from "@switchyard/contracts";

interface ToolCallParts {
  id?: string;
  name?: string;
  arguments: string;
}

/**
 * Builds the `ChatResult` a streamed answer adds up to, event by event, so a streamed request's record holds the
 * same result, usage and cost as a plain one.
 */
export class StreamAssembler {
  private model: string | undefined;
  private providerResponseId: string | undefined;
  private text = "";
  private readonly toolCalls = new Map<number, ToolCallParts>();
  private finish: { finishReason: FinishReason; usage: TokenUsage } | undefined;

  push(event: ChatStreamEvent): void {
    switch (event.type) {
      case "start":
        this.model ??= event.model;
        this.providerResponseId ??= event.providerResponseId;
        return;
      case "text-delta":
        this.text += event.text;
        return;
      case "tool-call-delta": {
        const call = this.toolCalls.get(event.index) ?? { arguments: "" };
        if (event.id !== undefined) call.id ??= event.id;
        if (event.name !== undefined) call.name ??= event.name;
        call.arguments += event.argumentsDelta;
        this.toolCalls.set(event.index, call);
        return;
      }
      case "finish":
        this.finish = { finishReason: event.finishReason, usage: event.usage };
        return;
    }
  }

  get finished(): boolean {
    return this.finish !== undefined;
  }

  /** The whole answer; throws `invalid_response` when the stream ended without `finish`. */
  result(context: { provider: string; deploymentId: string; requestedModel: string }): ChatResult {
    if (!this.finish) {
      throw new ProviderError({
        kind: "invalid_response",
        message: "the provider's stream ended without a finish event",
        provider: context.provider,
        deploymentId: context.deploymentId,
        retryable: true,
      });
    }
    const toolCalls = [...this.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        // Every provider names its calls on the first piece; a generated id keeps the result valid if one did not.
        id: call.id ?? `call_${index}`,
        type: "function" as const,
        function: { name: call.name ?? "unknown", arguments: call.arguments },
      }));
    return {
      model: this.model ?? context.requestedModel,
      message: {
        role: "assistant",
        content: this.text === "" && toolCalls.length > 0 ? null : this.text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finishReason: this.finish.finishReason,
      usage: this.finish.usage,
      ...(this.providerResponseId === undefined ? {} : { providerResponseId: this.providerResponseId }),
    };
  }
}
