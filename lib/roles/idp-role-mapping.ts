import { isRole, mostPrivilegedRole, ROLES, type Role } from "./roles";

/**
 * Roles from the identity provider (OIDC_ROLE_CLAIM + OIDC_ROLE_MAP): which claim of the ID
 * token carries the person's groups or roles, and which of its values mean which role here.
 * Pure: no database, no configuration read; lib/config/env.ts builds it, the sign-in applies it.
 */
export type IdpRoleMapping = {
  /** A claim name or a dotted path into nested claims: "groups", "roles", "realm_access.roles". */
  claim: string;
  /** The IdP's values (exact, case-sensitive) to our roles. */
  roleMap: ReadonlyMap<string, Role>;
};

/** Non-empty names joined by dots; no whitespace (a pasted "groups " or "a..b" is a typo, not a path). */
const CLAIM_PATH = /^[^.\s]+(\.[^.\s]+)*$/;

export function isRoleClaimPath(text: string): boolean {
  return CLAIM_PATH.test(text);
}

/** OIDC_ROLE_MAP's JSON, read into a map, or what is wrong with it (for the configuration error). */
export function parseRoleMap(json: string): { ok: true; roleMap: ReadonlyMap<string, Role> } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, message: "is not valid JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: "must be a JSON object from the identity provider's values to roles" };
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) return { ok: false, message: "maps no value to a role" };
  const roleMap = new Map<string, Role>();
  for (const [value, role] of entries) {
    if (value === "") return { ok: false, message: "maps an empty value" };
    if (!isRole(role)) return { ok: false, message: `maps ${JSON.stringify(value)} to ${JSON.stringify(role)}, which is not a role (${ROLES.join(", ")})` };
    roleMap.set(value, role);
  }
  return { ok: true, roleMap };
}

/** Own properties only: a claim path such as "constructor" or "__proto__" must not reach Object.prototype. */
function valueAtPath(claims: unknown, path: string[]): unknown {
  let current = claims;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The values the ID token carries at the mapping's claim: a string is one value, an array of
 * strings is its values; absent, or anything else (a number, an object, an array holding
 * anything but strings), is undefined and maps to nothing. A top-level claim with exactly
 * the configured name wins over the dotted path, because some IdPs' claim names contain dots
 * (Auth0's namespaced "https://example.com/roles").
 */
export function idpRoleValues(claims: Readonly<Record<string, unknown>>, claim: string): readonly string[] | undefined {
  const value = Object.hasOwn(claims, claim) ? claims[claim] : valueAtPath(claims, claim.split("."));
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  return undefined;
}

/** The most privileged role any of the claim's values maps to (admin ⊇ campaign_manager ⊇ viewer), or viewer when none does. */
export function roleFromIdpClaims(claims: Readonly<Record<string, unknown>>, mapping: IdpRoleMapping): Role {
  return mostPrivilegedRole((idpRoleValues(claims, mapping.claim) ?? []).map((value) => mapping.roleMap.get(value)));
}

/**
 * Whether each sign-in (and each renewal of one) sets the role from the IdP. When it does, a
 * role set by hand (the admin console, the API, the CLI) would be overwritten at the person's
 * next sign-in, so
 * those refuse to change it and show idpManagedRoleMessage instead.
 */
export function rolesManagedByIdp(env: { idpRoleMapping: IdpRoleMapping | null }): boolean {
  return env.idpRoleMapping !== null;
}

/** What an administrator reads when a role cannot be changed here because the IdP manages it. */
export function idpManagedRoleMessage(mapping: IdpRoleMapping): string {
  return `Roles are managed by the identity provider: each sign-in sets the role from the ID token's "${mapping.claim}" claim (OIDC_ROLE_CLAIM, OIDC_ROLE_MAP). Change the person's groups or roles at the identity provider; the new role applies at their next sign-in, or when their session is next renewed with the identity provider.`;
}
