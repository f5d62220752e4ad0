import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./interpolate-env.js";
import { DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from "./load-config.js";

const MINIMAL = `
deployments:
  - id: local-a
    provider: local
    model: llama
    baseUrl: http://127.0.0.1:1/v1
    pricePer1kInputUsd: 0
    pricePer1kOutputUsd: 0
    contextWindowTokens: 8192
    typicalLatencyMs: 500
    quality: { general: 0.6 }
`;

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the shipped config", () => {
  it("is valid and points a mixed fleet, every format, at the simulator by default", () => {
    const config = loadConfig({});
    expect(config.deployments.length).toBeGreaterThanOrEqual(5);
    expect(config.redis.prefix).toBe("{sy}");
    const apiRoot = { "openai-chat": "/v1", "anthropic-messages": "/v1", gemini: "/v1beta" };
    for (const deployment of config.deployments) expect(deployment.baseUrl).toBe(`http://127.0.0.1:4010${apiRoot[deployment.format]}`);
    expect(new Set(config.deployments.map((deployment) => deployment.format))).toEqual(new Set(["openai-chat", "anthropic-messages", "gemini"]));
    expect(config.deployments.filter((deployment) => deployment.private).map((deployment) => deployment.id)).toEqual([
      "local-llama-3-1-8b",
    ]);
    expect(config.tiers.private?.privateOnly).toBe(true);
  });

  it("follows PROVIDER_SIM_URL and LOCAL_LLM_URL", () => {
    const config = loadConfig({ PROVIDER_SIM_URL: "http://sim:9", LOCAL_LLM_URL: "http://gpu-box:8000/v1" });
    expect(config.deployments.find((deployment) => deployment.id === "openai-gpt-4-1")?.baseUrl).toBe("http://sim:9/v1");
    expect(config.deployments.find((deployment) => deployment.id === "local-llama-3-1-8b")?.baseUrl).toBe("http://gpu-box:8000/v1");
  });

  it("is found through SWITCHYARD_CONFIG, and a missing file is a clear error", () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-config-"));
    const file = join(dir, "c.yaml");
    writeFileSync(file, MINIMAL);
    expect(loadConfig({ SWITCHYARD_CONFIG: file }).deployments[0]?.id).toBe("local-a");
    expect(problemsOf(() => loadConfig({ SWITCHYARD_CONFIG: join(dir, "nope.yaml") }))[0]).toMatch(/cannot read config file .*nope\.yaml/);
    expect(DEFAULT_CONFIG_PATH).toMatch(/config\/switchyard\.yaml$/);
  });
});

describe("parseConfig", () => {
  it("fills defaults", () => {
    const config = parseConfig(MINIMAL, {});
    expect(config.api).toMatchObject({ port: 8080, bodyLimitBytes: 1_048_576, longPollMaxSeconds: 60 });
    expect(config.weights).toEqual({ quality: 0.4, cost: 0.3, latency: 0.3 });
    expect(config.deployments[0]).toMatchObject({ format: "openai-chat", private: false, enabled: true, limits: { concurrency: 16 } });
  });

  it("applies environment overrides", () => {
    const config = parseConfig(MINIMAL, { REDIS_URL: "redis://r:1", PORT: "9000", SWITCHYARD_REDIS_PREFIX: "{prod}" });
    expect(config.redis).toEqual({ url: "redis://r:1", prefix: "{prod}" });
    expect(config.api.port).toBe(9000);
    expect(problemsOf(() => parseConfig(MINIMAL, { PORT: "eighty" }))).toEqual(['PORT: "eighty" is not a port number']);
    expect(problemsOf(() => parseConfig(MINIMAL, { SWITCHYARD_REDIS_PREFIX: "sy" }))[0]).toMatch(/hash tag/);
  });

  it("names the path and the problem", () => {
    const broken = MINIMAL.replace("pricePer1kInputUsd: 0", 'pricePer1kInputUsd: "free"').replace("provider: local", "provider: acme");
    const problems = problemsOf(() => parseConfig(broken, {}));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^deployments\.0\.provider: /),
        expect.stringMatching(/^deployments\.0\.pricePer1kInputUsd: .*number/),
      ]),
    );
  });

  it("rejects unknown keys, duplicate ids, dangling references and a prefix that is not a hash tag", () => {
    const doubled = `${MINIMAL}\n  - ${MINIMAL.split("  - ")[1]}`;
    expect(problemsOf(() => parseConfig(doubled, {}))).toContain('deployments.1.id: duplicate deployment id "local-a"');
    expect(problemsOf(() => parseConfig(`${MINIMAL}\ntypo: 1\n`, {}))[0]).toMatch(/typo/);
    expect(problemsOf(() => parseConfig(`${MINIMAL}\nfallbacks: { premium: [ghost] }\n`, {}))).toEqual([
      'fallbacks.premium.0: unknown deployment "ghost"',
    ]);
    expect(problemsOf(() => parseConfig(`${MINIMAL}\nredis: { prefix: "sy:" }\n`, {}))[0]).toMatch(/^redis\.prefix: .*hash tag/);
    expect(problemsOf(() => parseConfig("deployments: []", {}))[0]).toMatch(/at least one deployment/);
  });

  it("reports YAML syntax errors and unset variables", () => {
    expect(problemsOf(() => parseConfig("deployments: [", {}))[0]).toMatch(/^YAML syntax/);
    const withVariable = MINIMAL.replace("http://127.0.0.1:1/v1", "${LLM_URL}");
    expect(problemsOf(() => parseConfig(withVariable, {}))[0]).toMatch(/LLM_URL/);
    expect(parseConfig(withVariable, { LLM_URL: "http://x:1/v1" }).deployments[0]?.baseUrl).toBe("http://x:1/v1");
    // Comments are never interpolated.
    expect(() => parseConfig(`# uses \${NOT_SET}\n${MINIMAL}`, {})).not.toThrow();
  });
});
