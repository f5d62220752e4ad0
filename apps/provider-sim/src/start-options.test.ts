import { describe, expect, it } from "vitest";
import { readStartOptions } from "./start-options.js";

describe("readStartOptions", () => {
  it("defaults to 127.0.0.1:4010 and the default config", () => {
    const options = readStartOptions([], {});
    expect(options.port).toBe(4010);
    expect(options.host).toBe("127.0.0.1");
    expect(options.config.latency).toEqual({ kind: "fixed", ms: 0 });
  });

  it("reads the environment, with SIM_LATENCY_MS as a shortcut", () => {
    const options = readStartOptions([], {
      SIM_PORT: "4999",
      SIM_HOST: "0.0.0.0",
      SIM_CONFIG: JSON.stringify({ errorRate: 0.2, errorStatus: 429, latency: { kind: "fixed", ms: 1 } }),
      SIM_LATENCY_MS: "25",
    });
    expect(options).toMatchObject({ port: 4999, host: "0.0.0.0" });
    expect(options.config).toMatchObject({ errorRate: 0.2, errorStatus: 429, latency: { kind: "fixed", ms: 25 } });
  });

  it("lets flags win over the environment and treats empty variables as unset", () => {
    const options = readStartOptions(["--port", "0", "--latency-ms", "3"], { SIM_PORT: "4999", SIM_HOST: "" });
    expect(options.port).toBe(0);
    expect(options.host).toBe("127.0.0.1");
    expect(options.config.latency).toEqual({ kind: "fixed", ms: 3 });
  });

  it.each([
    [{ SIM_PORT: "http" }],
    [{ SIM_CONFIG: "{not json" }],
    [{ SIM_CONFIG: JSON.stringify({ errorRate: 2 }) }],
    [{ SIM_LATENCY_MS: "-1" }],
  ])("rejects %j", (env) => {
    expect(() => readStartOptions([], env)).toThrow(/invalid provider-sim options/);
  });
});
