import type { ProviderAdapter, ProviderFormat } from "./provider-adapter.js";
import { createHttpAgent, type HttpAdapterOptions } from "./http-agent.js";
import { createOpenAiChatAdapter } from "./openai-chat/openai-chat-adapter.js";
import { createAnthropicMessagesAdapter } from "./anthropic-messages/anthropic-messages-adapter.js";
import { createGeminiAdapter } from "./gemini/gemini-adapter.js";

/**
 * One factory per wire format. Adding a provider format is one folder (`src/<format>/`) and one line here;
 * the compiler insists on a line for every format `@switchyard/config` accepts.
 */
const ADAPTER_FACTORIES: Record<ProviderFormat, (options: HttpAdapterOptions) => ProviderAdapter> = {
  "openai-chat": createOpenAiChatAdapter,
  "anthropic-messages": createAnthropicMessagesAdapter,
  gemini: createGeminiAdapter,
};

export type AdapterRegistryOptions = HttpAdapterOptions;

export interface AdapterRegistry {
  /** The adapter for a deployment's `format`, created on first use and reused after. */
  forFormat(format: ProviderFormat): ProviderAdapter;
  /** Closes every adapter and the shared connection pool (unless it was injected). */
  close(): Promise<void>;
}

/** The adapters of one process, sharing one keep-alive connection pool. */
export function createAdapterRegistry(options: AdapterRegistryOptions = {}): AdapterRegistry {
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createHttpAgent(options);
  const adapters = new Map<ProviderFormat, ProviderAdapter>();
  let closed = false;

  return {
    forFormat(format) {
      if (closed) throw new Error("the adapter registry is closed");
      let adapter = adapters.get(format);
      if (!adapter) {
        const factory = Object.hasOwn(ADAPTER_FACTORIES, format) ? ADAPTER_FACTORIES[format] : undefined;
        if (!factory) throw new Error(`no provider adapter for format "${String(format)}"`);
        adapter = factory({ ...options, dispatcher });
        adapters.set(format, adapter);
      }
      return adapter;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...adapters.values()].map((adapter) => adapter.close()));
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
