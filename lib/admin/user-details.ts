import "server-only";
import { listActiveFamilies, type FamilySummary } from "../sessions/user-families";
import type { Db } from "../db";
import { ADMIN_USER_COLUMNS, withActivity, type AdminUser } from "./admin-user";

/** One user as administrators see them, or null. */
export async function findAdminUser(db: Db, userId: string, now = new Date()): Promise<AdminUser | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: ADMIN_USER_COLUMNS });
  if (!row) return null;
  const [user] = await withActivity(db, [row], now);
  return user!;
}

export type UserDetails = {
  user: AdminUser;
  /** Active browser sign-ins and API tokens, newest first: each can be revoked. */
  sessions: FamilySummary[];
  apiTokens: FamilySummary[];
};

/** A user's page: who they are, and where they are signed in. */
export async function findUserDetails(db: Db, userId: string, now = new Date()): Promise<UserDetails | null> {
  const user = await findAdminUser(db, userId, now);
  if (!user) return null;
  const families = await listActiveFamilies(db, userId, now);
  return {
    user,
    sessions: families.filter((family) => family.kind === "browser"),
    apiTokens: families.filter((family) => family.kind === "api"),
  };
}
