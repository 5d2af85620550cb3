import { describe, expect, it } from "vitest";
import { loadEnv, loadRoleEnv } from "@/lib/config/env";
import { PRODUCTION_SOURCE as PRODUCTION, REQUIRED_SOURCE as REQUIRED, configurationProblemsOf as problemsOf } from "../support/configuration-problems";

const MAP = '{"vsa-admins":"admin","vsa-managers":"campaign_manager"}';

describe("INITIAL_ADMIN_EMAILS", () => {
  it("defaults to the bundled provider's alice in development, and to nobody in production and tests", () => {
    expect(loadEnv(REQUIRED).initialAdminEmails).toEqual(["alice@example.com"]);
    expect(loadEnv(PRODUCTION).initialAdminEmails).toEqual([]);
    expect(loadEnv({ ...REQUIRED, NODE_ENV: "test" }).initialAdminEmails).toEqual([]);
  });

  it("reads a comma-separated list, lowercased, ignoring spaces and empty entries", () => {
    const env = loadEnv({ ...PRODUCTION, INITIAL_ADMIN_EMAILS: " Ops@Example.com, dana@example.com ,," });
    expect(env.initialAdminEmails).toEqual(["ops@example.com", "dana@example.com"]);
  });

  it("replaces the development default when set", () => {
    expect(loadEnv({ ...REQUIRED, INITIAL_ADMIN_EMAILS: "bob@example.com" }).initialAdminEmails).toEqual(["bob@example.com"]);
  });

  it.each([
    ["ops", '"ops" is not an email address'],
    ["ops@example.com; dana@example.com", "is not an email address"],
    ["a@example.com,b,c d@example.com", '"b", "c d@example.com" are not email addresses'],
  ])("names the variable, the bad entries and the fix for %j", (value, problem) => {
    const message = problemsOf({ ...PRODUCTION, INITIAL_ADMIN_EMAILS: value });
    expect(message).toContain("INITIAL_ADMIN_EMAILS is invalid");
    expect(message).toContain(problem);
    expect(message).toContain("set it to comma-separated email addresses");
  });
});

describe("OIDC_ROLE_CLAIM and OIDC_ROLE_MAP", () => {
  it("are off by default: roles are managed in the console", () => {
    expect(loadEnv(REQUIRED).idpRoleMapping).toBeNull();
    expect(loadEnv(PRODUCTION).idpRoleMapping).toBeNull();
  });

  it("together give the mapping", () => {
    const env = loadEnv({ ...PRODUCTION, OIDC_ROLE_CLAIM: " realm_access.roles ", OIDC_ROLE_MAP: MAP });
    expect(env.idpRoleMapping?.claim).toBe("realm_access.roles");
    expect(Object.fromEntries(env.idpRoleMapping!.roleMap)).toEqual({ "vsa-admins": "admin", "vsa-managers": "campaign_manager" });
  });

  it("setting one without the other names both", () => {
    const withoutMap = problemsOf({ ...PRODUCTION, OIDC_ROLE_CLAIM: "groups" });
    expect(withoutMap).toContain("OIDC_ROLE_MAP is required when OIDC_ROLE_CLAIM is set");
    const withoutClaim = problemsOf({ ...PRODUCTION, OIDC_ROLE_MAP: MAP });
    expect(withoutClaim).toContain("OIDC_ROLE_CLAIM is required when OIDC_ROLE_MAP is set");
    expect(withoutClaim).toContain('"realm_access.roles" (Keycloak)');
  });

  it.each([
    ["OIDC_ROLE_CLAIM", "realm_access..roles", "must be a claim name or a dotted path of non-empty names"],
    ["OIDC_ROLE_CLAIM", ".groups", "must be a claim name or a dotted path of non-empty names"],
    ["OIDC_ROLE_CLAIM", "my groups", "must be a claim name or a dotted path of non-empty names"],
    ["OIDC_ROLE_MAP", "{'vsa-admins':'admin'}", "is not valid JSON"],
    ["OIDC_ROLE_MAP", '["admin"]', "must be a JSON object from the identity provider's values to roles"],
    ["OIDC_ROLE_MAP", "{}", "maps no value to a role"],
    ["OIDC_ROLE_MAP", '{"vsa-admins":"owner"}', 'maps "vsa-admins" to "owner", which is not a role (admin, campaign_manager, viewer)'],
  ])("names %s when it is %j, with the fix", (variable, value, problem) => {
    const other = variable === "OIDC_ROLE_CLAIM" ? { OIDC_ROLE_MAP: MAP } : { OIDC_ROLE_CLAIM: "groups" };
    const message = problemsOf({ ...PRODUCTION, ...other, [variable]: value });
    expect(message).toContain(`${variable} is invalid (${problem}`);
    expect(message).toContain(variable === "OIDC_ROLE_CLAIM" ? '"groups" (Okta)' : '{"vsa-admins":"admin","vsa-managers":"campaign_manager"}');
  });
});

describe("loadRoleEnv (operator commands that change roles: npm run users)", () => {
  it("needs no secrets and says whether the IdP manages roles", () => {
    expect(loadRoleEnv({})).toEqual({ initialAdminEmails: ["alice@example.com"], idpRoleMapping: null });
    expect(loadRoleEnv({ OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: MAP }).idpRoleMapping?.claim).toBe("groups");
  });

  it("refuses what the app would refuse", () => {
    expect(() => loadRoleEnv({ OIDC_ROLE_CLAIM: "groups" })).toThrow("OIDC_ROLE_MAP is required when OIDC_ROLE_CLAIM is set");
    expect(() => loadRoleEnv({ OIDC_ROLE_MAP: "{" })).toThrow("OIDC_ROLE_MAP is invalid (is not valid JSON)");
  });
});
