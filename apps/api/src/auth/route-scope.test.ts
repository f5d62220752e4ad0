import { describe, expect, it } from "vitest";
import { requiredScope } from "./route-scope.js";

describe("requiredScope", () => {
  it.each([
    ["POST", "/requests", "submit"],
    ["POST", "/chat/completions", "submit"],
    ["POST", "/messages", "submit"],
    ["POST", "/requests/req_x/cancel", "submit"],
    ["GET", "/requests/req_x", "read"],
    ["GET", "/requests", "read"],
    ["GET", "/models", "read"],
    ["GET", "/deployments", "read"],
    ["HEAD", "/deployments/a", "read"],
    ["POST", "/deployments/a/circuit/reset", "admin"],
    ["GET", "/admin/keys", "admin"],
    ["POST", "/admin/keys", "admin"],
    ["DELETE", "/admin/keys/0123456789abcdef", "admin"],
    ["PUT", "/admin/tenants/acme/budget", "admin"],
    ["GET", "/admin", "admin"],
  ] as const)("%s %s needs %s", (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope);
  });

  it("does not mistake a path that merely starts with the word for the admin tree", () => {
    expect(requiredScope("GET", "/administrators")).toBe("read");
  });
});
