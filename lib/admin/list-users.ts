import "server-only";
import { Prisma } from "@prisma/client";
import type { Db } from "../db";
import { withActivity, type AdminUser, type AdminUserRow } from "./admin-user";
import { encodeUserListCursor } from "./user-list-cursor";
import type { UserListQuery } from "./user-list-query";

export type UserPage = { users: AdminUser[]; nextCursor: string | null };

/** `q` as a LIKE prefix: its own %, _ and \ are matched literally. */
function likePrefix(search: string): string {
  return `${search.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * One page of users, newest first, by keyset: the rows after the cursor, read along the
 * (createdAt, id) index (or the role's, or the disabled users' partial index), so every page
 * costs the same whatever its depth. The search is a prefix of lower(email) or lower(name),
 * which their text_pattern_ops indexes serve (migration 20261128010000_user_administration
 * says why not a substring). One query more counts the page's active sessions and tokens.
 */
export async function listUsers(db: Db, query: UserListQuery, now = new Date()): Promise<UserPage> {
  const conditions: Prisma.Sql[] = [];
  if (query.search) {
    const pattern = likePrefix(query.search);
    conditions.push(Prisma.sql`(lower("email") LIKE ${pattern} OR lower("name") LIKE ${pattern})`);
  }
  if (query.role) conditions.push(Prisma.sql`"role" = ${query.role}::"Role"`);
  if (query.status === "active") conditions.push(Prisma.sql`"disabledAt" IS NULL`);
  if (query.status === "disabled") conditions.push(Prisma.sql`"disabledAt" IS NOT NULL`);
  // Timestamps are stored as UTC without a zone; an ISO string cast to `timestamp` keeps its
  // digits and drops the "Z", which is exactly that.
  if (query.after) conditions.push(Prisma.sql`("createdAt", "id") < (${query.after.createdAt.toISOString()}::timestamp(3), ${query.after.id})`);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const rows = await db.$queryRaw<AdminUserRow[]>`
    SELECT "id", "email", "name", "role"::text AS "role", "disabledAt", "lastLoginAt", "createdAt", "version"
    FROM "User" ${where}
    ORDER BY "createdAt" DESC, "id" DESC
    LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    users: await withActivity(db, page, now),
    nextCursor: rows.length > query.limit && last ? encodeUserListCursor(last) : null,
  };
}
