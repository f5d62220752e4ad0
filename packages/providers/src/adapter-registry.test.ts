import { describe, expect, it } from "vitest";
import { Agent } from "undici";
import { createAdapterRegistry } from "./adapter-registry.js";
import type { ProviderFormat } from "./provider-adapter.js";

describe("createAdapterRegistry", () => {
  it("returns one adapter per format, reused", async () => {
    const registry = createAdapterRegistry();
    const adapter = registry.forFormat("openai-chat");
    expect(adapter.format).toBe("openai-chat");
    expect(registry.forFormat("openai-chat")).toBe(adapter);
    await registry.close();
    expect(() => registry.forFormat("openai-chat")).toThrow(/closed/);
  });

  it("refuses formats it has no adapter for", async () => {
    const registry = createAdapterRegistry();
    expect(() => registry.forFormat("cohere-chat" as ProviderFormat)).toThrow(/no provider adapter/);
    expect(() => registry.forFormat("toString" as ProviderFormat)).toThrow(/no provider adapter/);
    await registry.close();
  });

  it("leaves an injected dispatcher open for its owner", async () => {
    const dispatcher = new Agent();
    const registry = createAdapterRegistry({ dispatcher });
    registry.forFormat("openai-chat");
    await registry.close();
    expect(dispatcher.closed).toBe(false);
    await dispatcher.close();
  });
});
