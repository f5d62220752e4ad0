import { describe, expect, it } from "vitest";
import { resolveApiKey } from "./resolve-api-key.js";

describe("resolveApiKey", () => {
  it("reads the variable the deployment names", () => {
    expect(resolveApiKey({ apiKeyEnv: "OPENAI_API_KEY" }, { OPENAI_API_KEY: "sk-1" })).toBe("sk-1");
  });

  it("is undefined when no variable is named, or it is unset or empty", () => {
    expect(resolveApiKey({}, { OPENAI_API_KEY: "sk-1" })).toBeUndefined();
    expect(resolveApiKey({ apiKeyEnv: "OPENAI_API_KEY" }, {})).toBeUndefined();
    expect(resolveApiKey({ apiKeyEnv: "OPENAI_API_KEY" }, { OPENAI_API_KEY: "" })).toBeUndefined();
  });
});
