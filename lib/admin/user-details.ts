import "server-only";
import { listActiveFamilies, type FamilySummary } from "../sessions/user-families";
import type { Db } from "../db";
import { inScope, type AdminScope } from "../organisations/admin-scope";
import { ADMIN_USER_COLUMNS, adminUserRowOf, withActivity, type AdminUser } from "./admin-user";

/** One user as administrators see them, or null (also for a user outside the scope). */
export async function findAdminUser(db: Db, scope: AdminScope, userId: string, now = new Date()): Promise<AdminUser | null> {
  const row = await db.user.findUnique({ where: { id: userId, ...inScope(scope) }, select: ADMIN_USER_COLUMNS });
  if (!row) return null;
  const [user] = await withActivity(db, [adminUserRowOf(row)], now);
  return user!;
}

export type UserDetails = {
  user: AdminUser;
  /** Active browser sign-ins and API tokens, newest first: each can be revoked. */
  sessions: FamilySummary[];
  apiTokens: FamilySummary[];
};

/** A user's page: who they are, and where they are signed in. */
export async function findUserDetails(db: Db, scope: AdminScope, userId: string, now = new Date()): Promise<UserDetails | null> {
  const user = await findAdminUser(db, scope, userId, now);
  if (!user) return null;
  const families = await listActiveFamilies(db, userId, now);
  return {
    user,
    sessions: families.filter((family) => family.kind === "browser"),
    apiTokens: families.filter((family) => family.kind === "api"),
  };
}
