import { afterEach, describe, expect, it, vi } from "vitest";
import { signInRoleRules } from "@/lib/users/sign-in-role-rules";
import { loadEnv } from "@/lib/config/env";
import { captureLogs } from "../support/captured-logs";

const REQUIRED = { AUTH_SECRET: "s".repeat(32), API_TOKEN_SIGNING_KEY: '{"kty":"EC"}', INITIAL_ADMIN_EMAILS: "ops@example.com" };
const REQUEST = { ipAddress: "192.0.2.1", userAgent: "ua", requestId: "req-1" };
const mapped = loadEnv({ ...REQUIRED, OIDC_ROLE_CLAIM: "realm_access.roles", OIDC_ROLE_MAP: '{"vsa-admins":"admin"}' });
const unmapped = loadEnv(REQUIRED);

afterEach(() => vi.restoreAllMocks());

describe("signInRoleRules", () => {
  it("without a mapping: the initial admins only, and the IdP sets no role", () => {
    expect(signInRoleRules(unmapped, { realm_access: { roles: ["vsa-admins"] } }, REQUEST)).toEqual({ initialAdminEmails: ["ops@example.com"], idpRole: null, request: REQUEST });
  });

  it("with a mapping: the role the ID token's claims map to, viewer when none", () => {
    expect(signInRoleRules(mapped, { realm_access: { roles: ["vsa-admins"] } }, REQUEST).idpRole).toBe("admin");
    expect(signInRoleRules(mapped, { realm_access: { roles: ["other"] } }, REQUEST).idpRole).toBe("viewer");
  });

  it("logs a missing or unreadable claim by name, never the claims' values, and still gives viewer", () => {
    const logs = captureLogs();
    try {
      expect(signInRoleRules(mapped, { groups: ["vsa-admins"], realm_access: { roles: { "secret-group": true } } }, REQUEST).idpRole).toBe("viewer");
      expect(logs.entries()).toHaveLength(1);
      const line = logs.entries()[0]!;
      expect(line).toMatchObject({ level: "warn", event: "idp_role_claim_missing", claim: "realm_access.roles", requestId: "req-1" });
      expect(JSON.stringify(line)).not.toContain("secret-group");
      expect(signInRoleRules(mapped, {}, REQUEST).idpRole).toBe("viewer");
      expect(logs.entries()).toHaveLength(2);
    } finally {
      logs.stop();
    }
  });

  it("does not log a claim that is present, even when nothing in it maps", () => {
    const logs = captureLogs();
    signInRoleRules(mapped, { realm_access: { roles: [] } }, REQUEST);
    signInRoleRules(unmapped, {}, REQUEST);
    logs.stop();
    expect(logs.entries()).toEqual([]);
  });
});
