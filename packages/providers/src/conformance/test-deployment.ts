import { deploymentSchema, type DeploymentConfig } from "@switchyard/config";
import type { ChatRequest } from "@switchyard/contracts";

/** A valid deployment pointing at a test server; override what the test is about. */
export function testDeployment(overrides: Partial<DeploymentConfig> & { baseUrl: string }): DeploymentConfig {
  return deploymentSchema.parse({
    id: "test-deployment",
    provider: "openai",
    format: "openai-chat",
    model: "gpt-4.1",
    pricePer1kInputUsd: 0.002,
    pricePer1kOutputUsd: 0.008,
    contextWindowTokens: 128_000,
    typicalLatencyMs: 500,
    quality: { general: 0.9 },
    timeoutMs: 10_000,
    ...overrides,
  });
}

export const TEST_REQUEST: ChatRequest = {
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Explain exponential backoff in one sentence." },
  ],
};
