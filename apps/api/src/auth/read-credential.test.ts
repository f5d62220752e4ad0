import { describe, expect, it } from "vitest";
import { readCredential } from "./read-credential.js";

const request = (headers: Record<string, string>) => ({ get: (name: string) => headers[name.toLowerCase()] }) as never;

describe("readCredential", () => {
  it("reads Bearer, x-api-key (first) and basic auth", () => {
    expect(readCredential(request({ authorization: "Bearer sy_a_b" }))).toEqual({ kind: "key", key: "sy_a_b" });
    expect(readCredential(request({ authorization: "bearer  sy_a_b " }))).toEqual({ kind: "key", key: "sy_a_b" });
    expect(readCredential(request({ "x-api-key": "k1", authorization: "Bearer k2" }))).toEqual({ kind: "key", key: "k1" });
    const basic = `Basic ${Buffer.from("admin:pa:ss").toString("base64")}`;
    expect(readCredential(request({ authorization: basic }))).toEqual({ kind: "basic", username: "admin", password: "pa:ss" });
  });

  it("tells a missing credential from a malformed one", () => {
    expect(readCredential(request({}))).toBeUndefined();
    expect(readCredential(request({ authorization: "  " }))).toBeUndefined();
    expect(readCredential(request({ authorization: "Token abc" }))).toEqual({ kind: "key", key: "" });
    expect(readCredential(request({ authorization: `Basic ${Buffer.from("nocolon").toString("base64")}` }))).toEqual({ kind: "key", key: "" });
  });
});
