import { describe, expect, it } from "vitest";
import { idpManagedRoleMessage, idpRoleValues, isRoleClaimPath, parseRoleMap, roleFromIdpClaims, rolesManagedByIdp, type IdpRoleMapping } from "@/lib/roles/idp-role-mapping";

function mapping(claim: string, map: Record<string, string>): IdpRoleMapping {
  const parsed = parseRoleMap(JSON.stringify(map));
  if (!parsed.ok) throw new Error(parsed.message);
  return { claim, roleMap: parsed.roleMap };
}

// ID token claims as each IdP sends them (trimmed to what matters here).
const ENTRA_ID = {
  iss: "https://login.microsoftonline.com/8b1e…/v2.0",
  oid: "0f1c…",
  // App roles assigned to the user (or one of their groups) in the enterprise application.
  roles: ["VSA.CampaignManager", "VSA.Admin"],
};
const OKTA = {
  iss: "https://acme.okta.com",
  // The groups claim (filtered, e.g. "starts with vsa-") of the app's ID token.
  groups: ["Everyone", "vsa-managers"],
};
const KEYCLOAK = {
  iss: "https://sso.acme.example/realms/acme",
  // Realm roles, nested, once the "realm roles" mapper adds them to the ID token.
  realm_access: { roles: ["offline_access", "uma_authorization", "vsa-admins"] },
  // Client roles sit one level deeper, by client id.
  resource_access: { "vsa-console": { roles: ["manager"] } },
};

describe("roleFromIdpClaims with the claim shapes of the three IdPs", () => {
  it("Entra ID: app roles in `roles`, an array; the most privileged mapped role wins", () => {
    const entra = mapping("roles", { "VSA.Admin": "admin", "VSA.CampaignManager": "campaign_manager" });
    expect(roleFromIdpClaims(ENTRA_ID, entra)).toBe("admin");
    expect(roleFromIdpClaims({ ...ENTRA_ID, roles: ["VSA.CampaignManager"] }, entra)).toBe("campaign_manager");
  });

  it("Okta: `groups`, an array that also holds groups nobody mapped", () => {
    const okta = mapping("groups", { "vsa-admins": "admin", "vsa-managers": "campaign_manager" });
    expect(roleFromIdpClaims(OKTA, okta)).toBe("campaign_manager");
    expect(roleFromIdpClaims({ ...OKTA, groups: ["Everyone", "vsa-managers", "vsa-admins"] }, okta)).toBe("admin");
  });

  it("Keycloak: `realm_access.roles`, nested; client roles by a longer path", () => {
    expect(roleFromIdpClaims(KEYCLOAK, mapping("realm_access.roles", { "vsa-admins": "admin" }))).toBe("admin");
    expect(roleFromIdpClaims(KEYCLOAK, mapping("resource_access.vsa-console.roles", { manager: "campaign_manager" }))).toBe("campaign_manager");
  });

  it("a string claim is one value", () => {
    expect(roleFromIdpClaims({ role: "vsa-managers" }, mapping("role", { "vsa-managers": "campaign_manager" }))).toBe("campaign_manager");
    expect(roleFromIdpClaims({ org: { role: "vsa-admins" } }, mapping("org.role", { "vsa-admins": "admin" }))).toBe("admin");
  });

  it("a value mapped to viewer gives viewer, even beside unknown values", () => {
    expect(roleFromIdpClaims({ groups: ["vsa-viewers", "other"] }, mapping("groups", { "vsa-viewers": "viewer", "vsa-admins": "admin" }))).toBe("viewer");
  });
});

describe("roleFromIdpClaims gives viewer when nothing maps", () => {
  const groups = mapping("groups", { "vsa-admins": "admin" });

  it.each([
    ["the claim is missing", {}],
    ["the claim is an empty array", { groups: [] }],
    ["only unknown values", { groups: ["Everyone", "vsa-admin", "VSA-ADMINS"] }],
    ["a number", { groups: 42 }],
    ["a boolean", { groups: true }],
    ["null", { groups: null }],
    ["an object", { groups: { "vsa-admins": true } }],
    ["an array with a non-string among strings", { groups: ["vsa-admins", 1] }],
    ["an array of arrays", { groups: [["vsa-admins"]] }],
  ])("%s", (_label, claims) => {
    expect(roleFromIdpClaims(claims, groups)).toBe("viewer");
  });

  it("a dotted path through something that is not an object", () => {
    const nested = mapping("realm_access.roles", { "vsa-admins": "admin" });
    expect(roleFromIdpClaims({ realm_access: "vsa-admins" }, nested)).toBe("viewer");
    expect(roleFromIdpClaims({ realm_access: [{ roles: ["vsa-admins"] }] }, nested)).toBe("viewer");
    expect(roleFromIdpClaims({ realm_access: null }, nested)).toBe("viewer");
    // The same claims do map at the right path: the checks above can fail.
    expect(roleFromIdpClaims({ realm_access: { roles: ["vsa-admins"] } }, nested)).toBe("admin");
  });

  it("never reads inherited properties (a path such as constructor or __proto__)", () => {
    expect(idpRoleValues({}, "constructor")).toBeUndefined();
    expect(idpRoleValues({}, "constructor.name")).toBeUndefined();
    expect(idpRoleValues({ a: {} }, "a.__proto__")).toBeUndefined();
    expect(roleFromIdpClaims({ groups: ["toString", "__proto__"] }, groups)).toBe("viewer");
  });
});

describe("idpRoleValues", () => {
  it("prefers a top-level claim whose name contains dots (Auth0's namespaced claims) over the path", () => {
    const nested = { "https://vsa": { example: { "com/roles": ["nested"] } } };
    expect(idpRoleValues(nested, "https://vsa.example.com/roles")).toEqual(["nested"]);
    expect(idpRoleValues({ ...nested, "https://vsa.example.com/roles": ["top-level"] }, "https://vsa.example.com/roles")).toEqual(["top-level"]);
  });

  it("says undefined for a missing or unreadable claim, [] for an empty array", () => {
    expect(idpRoleValues({}, "groups")).toBeUndefined();
    expect(idpRoleValues({ groups: 7 }, "groups")).toBeUndefined();
    expect(idpRoleValues({ groups: [] }, "groups")).toEqual([]);
    expect(idpRoleValues({ groups: "a" }, "groups")).toEqual(["a"]);
  });
});

describe("parseRoleMap", () => {
  it("reads a JSON object from the IdP's values to roles", () => {
    const parsed = parseRoleMap('{"vsa-admins":"admin","vsa-managers":"campaign_manager","__proto__":"viewer"}');
    expect(parsed.ok && [...parsed.roleMap]).toEqual([
      ["vsa-admins", "admin"],
      ["vsa-managers", "campaign_manager"],
      ["__proto__", "viewer"],
    ]);
  });

  it.each([
    ["{vsa-admins: admin}", "is not valid JSON"],
    ['["admin"]', "must be a JSON object"],
    ['"admin"', "must be a JSON object"],
    ["null", "must be a JSON object"],
    ["{}", "maps no value to a role"],
    ['{"":"admin"}', "maps an empty value"],
    ['{"vsa-admins":"superuser"}', 'maps "vsa-admins" to "superuser", which is not a role (admin, campaign_manager, viewer)'],
    ['{"vsa-admins":"Admin"}', 'maps "vsa-admins" to "Admin", which is not a role'],
    ['{"vsa-admins":["admin"]}', 'maps "vsa-admins" to ["admin"], which is not a role'],
  ])("refuses %s", (json, problem) => {
    const parsed = parseRoleMap(json);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(problem);
  });
});

describe("isRoleClaimPath", () => {
  it.each(["groups", "roles", "realm_access.roles", "resource_access.vsa-console.roles", "https://vsa.example.com/roles"])("accepts %s", (path) => {
    expect(isRoleClaimPath(path)).toBe(true);
  });

  it.each(["", ".", "realm_access.", ".roles", "realm_access..roles", "group s", "groups\t"])("refuses %j", (path) => {
    expect(isRoleClaimPath(path)).toBe(false);
  });
});

describe("rolesManagedByIdp", () => {
  it("is true exactly when a mapping is configured, and the console's message names the claim", () => {
    const okta = mapping("groups", { "vsa-admins": "admin" });
    expect(rolesManagedByIdp({ idpRoleMapping: okta })).toBe(true);
    expect(rolesManagedByIdp({ idpRoleMapping: null })).toBe(false);
    expect(idpManagedRoleMessage(okta)).toContain('"groups" claim');
  });
});
