import "server-only";
import type { Role } from "../roles/roles";
import { countActiveFamilies } from "../sessions/user-families";
import type { Db } from "../db";
import type { UserStatus } from "./user-list-query";

/** A user as administrators see them: in the console's list, on their page, and in the API. */
export type AdminUser = {
  id: string;
  /** The slug of the user's organisation. */
  organisation: string;
  email: string | null;
  name: string | null;
  role: Role;
  status: UserStatus;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  /** Send it back with a change: a change made meanwhile by someone else is then refused. */
  version: number;
  activeSessions: number;
  activeApiTokens: number;
};

export type AdminUserRow = Omit<AdminUser, "status" | "activeSessions" | "activeApiTokens">;

/** The columns an AdminUser is made of (a Prisma select; see adminUserRowOf). */
export const ADMIN_USER_COLUMNS = {
  id: true,
  organisation: { select: { slug: true } },
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  lastLoginAt: true,
  createdAt: true,
  version: true,
} as const;

/** A row read with ADMIN_USER_COLUMNS, its organisation by its slug. */
export function adminUserRowOf(row: Omit<AdminUserRow, "organisation"> & { organisation: { slug: string } }): AdminUserRow {
  return { ...row, organisation: row.organisation.slug };
}

/** Rows as AdminUsers, with their active sessions and API tokens counted in one query. */
export async function withActivity(db: Db, rows: AdminUserRow[], now = new Date()): Promise<AdminUser[]> {
  const counts = await countActiveFamilies(db, rows.map((row) => row.id), now);
  return rows.map((row) => {
    const { sessions, apiTokens } = counts.get(row.id)!;
    return { ...row, status: row.disabledAt ? "disabled" : "active", activeSessions: sessions, activeApiTokens: apiTokens };
  });
}
