import { describe, expect, it } from "vitest";
import { ConfigError, interpolateEnv } from "./interpolate-env.js";

describe("interpolateEnv", () => {
  it("replaces variables and defaults, innermost first", () => {
    expect(interpolateEnv("${A}/v1", { A: "http://a" })).toBe("http://a/v1");
    expect(interpolateEnv("${A:-http://d}/v1", {})).toBe("http://d/v1");
    expect(interpolateEnv("${A:-${B:-x}}", { B: "b" })).toBe("b");
    expect(interpolateEnv("${A:-${B:-x}}", {})).toBe("x");
    expect(interpolateEnv("${A:-}", {})).toBe("");
  });

  it("treats an empty variable as unset and refuses an unset one without default", () => {
    expect(interpolateEnv("${A:-d}", { A: "" })).toBe("d");
    expect(() => interpolateEnv("${MISSING}", {})).toThrow(ConfigError);
  });

  it("leaves text without references alone", () => {
    expect(interpolateEnv("plain $HOME {sy}", {})).toBe("plain $HOME {sy}");
  });
});
