import { describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error.js";
import { BOOTSTRAP_PRINCIPAL, canSeeTenant, type Principal } from "./principal.js";
import { submissionTenant } from "./submission-tenant.js";

const acme: Principal = { keyId: "k1", tenant: "acme", scopes: ["submit", "read"] };
const acmeAdmin: Principal = { keyId: "k2", tenant: "acme", scopes: ["admin"] };

describe("submissionTenant", () => {
  it("is the key's tenant, whether or not the body names it", () => {
    expect(submissionTenant(acme, undefined)).toBe("acme");
    expect(submissionTenant(acme, "acme")).toBe("acme");
  });

  it("refuses a tenant key naming another tenant with a 403", () => {
    let thrown: unknown;
    try {
      submissionTenant(acme, "globex");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ httpStatus: 403, code: "tenant_mismatch", param: "tenant" });
  });

  it("lets admin keys submit for any tenant, the bootstrap key as `default` by default", () => {
    expect(submissionTenant(BOOTSTRAP_PRINCIPAL, undefined)).toBe("default");
    expect(submissionTenant(BOOTSTRAP_PRINCIPAL, "globex")).toBe("globex");
    expect(submissionTenant(acmeAdmin, "globex")).toBe("globex");
  });

  it("matches what reads may see", () => {
    expect(canSeeTenant(acme, "acme")).toBe(true);
    expect(canSeeTenant(acme, "globex")).toBe(false);
    expect(canSeeTenant(acmeAdmin, "globex")).toBe(true);
  });
});
