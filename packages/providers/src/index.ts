export type { ProviderAdapter, ProviderCallOptions, ProviderFormat } from "./provider-adapter.js";
export { createAdapterRegistry } from "./adapter-registry.js";
export type { AdapterRegistry, AdapterRegistryOptions } from "./adapter-registry.js";
export { createHttpAgent } from "./http-agent.js";
export type { HttpAdapterOptions } from "./http-agent.js";
export { resolveApiKey } from "./resolve-api-key.js";
export { createOpenAiChatAdapter } from "./openai-chat/openai-chat-adapter.js";
export type { OpenAiChatAdapterOptions } from "./openai-chat/openai-chat-adapter.js";
