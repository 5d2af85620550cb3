/** Roles, most privileged first. Mirrors the Prisma enum `Role` without importing Prisma (Edge-safe). */
export const ROLES = ["admin", "campaign_manager", "viewer"] as const;

export type Role = (typeof ROLES)[number];

export const DEFAULT_ROLE: Role = "viewer";

/** How pages name each role. */
export const ROLE_LABELS: Record<Role, string> = { admin: "admin", campaign_manager: "campaign manager", viewer: "viewer" };

/** The most privileged of `roles` (what unknown or absent entries leave out), or viewer when there is none. */
export function mostPrivilegedRole(roles: Iterable<Role | undefined>): Role {
  const given = new Set(roles);
  return ROLES.find((role) => given.has(role)) ?? DEFAULT_ROLE;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * Roles are ordered: an admin may do what a campaign manager may, who may do what a viewer
 * may. A role that is not one of ROLES (either side) satisfies nothing: indexOf's -1 would
 * otherwise rank it above admin.
 */
export function roleSatisfies(callerRole: Role, required: Role): boolean {
  if (!isRole(callerRole) || !isRole(required)) return false;
  return ROLES.indexOf(callerRole) <= ROLES.indexOf(required);
}
