import { randomUUID } from "node:crypto";
import type { Role } from "@prisma/client";
import { EVERY_ORGANISATION, adminScopeOf, type AdminScope } from "@/lib/organisations/admin-scope";
import { createBrowserFamily } from "@/lib/sessions/token-families";
import type { Db } from "@/lib/db";
import type { IdpRoleMapping } from "@/lib/roles/idp-role-mapping";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";

/** Marks this run's users (emails `PREFIX-label@example.test`), so searches find only them. */
export const RUN = randomUUID().slice(0, 8);

export const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);

/** A user as the first sign-in makes them, then given `role`; returns the current row. */
export async function signedUpUser(db: Db, label: string, role: Role = "viewer") {
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: `sub-${randomUUID()}`, email: `${label}-${RUN}@example.test`, name: `Test ${label}` });
  return db.user.update({ where: { id: user.id }, data: { role } });
}

/** A browser sign-in of the user, as the sign-in callback opens it. */
export function browserSignIn(db: Db, userId: string, expiresAt = inHours(12)) {
  return createBrowserFamily(db, { userId, connectionId: "oidc", idpSubject: `sub-${userId}`, idpSessionId: null, idToken: null, expiresAt, ipAddress: "198.51.100.7", userAgent: "Mozilla/5.0 (integration)" });
}

/**
 * Tests of "the last active admin" need to know every active admin, and the database is shared
 * with other suites and earlier runs: this demotes the active admins they left (by SQL, not by
 * the rules under test) and returns how to restore them.
 */
export async function sidelineActiveAdmins(db: Db): Promise<() => Promise<void>> {
  const admins = await db.user.findMany({ where: { role: "admin", disabledAt: null }, select: { id: true } });
  await db.user.updateMany({ where: { id: { in: admins.map((admin) => admin.id) } }, data: { role: "viewer" } });
  return async () => {
    await db.user.updateMany({ where: { email: { endsWith: `-${RUN}@example.test` } }, data: { role: "viewer" } });
    await db.user.updateMany({ where: { id: { in: admins.map((admin) => admin.id) } }, data: { role: "admin" } });
  };
}

/** An administrator's request context for the audit trail; by default in the operator's scope (every organisation). */
export function adminContext(adminUserId: string, idpRoleMapping: IdpRoleMapping | null = null, userAgent = "integration-test", scope: AdminScope = EVERY_ORGANISATION) {
  return { actor: { userId: adminUserId }, scope, request: { ipAddress: "203.0.113.9", userAgent, requestId: `req-${RUN}` }, idpRoleMapping };
}

/** The context of an admin of their own organisation (all of them for the operator organisation's). */
export function contextOfAdmin(admin: { id: string; organisationId: string }) {
  return adminContext(admin.id, null, "integration-test", adminScopeOf(admin.organisationId));
}
