import "server-only";
import { Prisma } from "@prisma/client";
import type { Db } from "../db";
import type { AdminScope } from "../organisations/admin-scope";
import { withActivity, type AdminUser, type AdminUserRow } from "./admin-user";
import { encodeUserListCursor } from "./user-list-cursor";
import type { UserListQuery } from "./user-list-query";

export type UserPage = { users: AdminUser[]; nextCursor: string | null };

/** `q` as a LIKE prefix: its own %, _ and \ are matched literally. */
function likePrefix(search: string): string {
  return `${search.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * One page of the scope's users, newest first, by keyset: the rows after the cursor, read along
 * the (createdAt, id) index (or the organisation's, the role's, or the disabled users' partial
 * index), so every page costs the same whatever its depth. The search is a prefix of
 * lower(email) or lower(name), which their text_pattern_ops indexes serve (migration
 * 20261128010000_user_administration says why not a substring). The scope and the
 * `organisation` filter are conditions of the query itself: an admin of one organisation never
 * reads another's rows. One query more counts the page's active sessions and tokens.
 */
export async function listUsers(db: Db, scope: AdminScope, query: UserListQuery, now = new Date()): Promise<UserPage> {
  const conditions: Prisma.Sql[] = [];
  if (!("all" in scope)) conditions.push(Prisma.sql`u."organisationId" = ${scope.organisationId}`);
  if (query.organisation) conditions.push(Prisma.sql`o."slug" = ${query.organisation}`);
  if (query.search) {
    const pattern = likePrefix(query.search);
    conditions.push(Prisma.sql`(lower(u."email") LIKE ${pattern} OR lower(u."name") LIKE ${pattern})`);
  }
  if (query.role) conditions.push(Prisma.sql`u."role" = ${query.role}::"Role"`);
  if (query.status === "active") conditions.push(Prisma.sql`u."disabledAt" IS NULL`);
  if (query.status === "disabled") conditions.push(Prisma.sql`u."disabledAt" IS NOT NULL`);
  // Timestamps are stored as UTC without a zone; an ISO string cast to `timestamp` keeps its
  // digits and drops the "Z", which is exactly that.
  if (query.after) conditions.push(Prisma.sql`(u."createdAt", u."id") < (${query.after.createdAt.toISOString()}::timestamp(3), ${query.after.id})`);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const rows = await db.$queryRaw<AdminUserRow[]>`
    SELECT u."id", o."slug" AS "organisation", u."email", u."name", u."role"::text AS "role", u."disabledAt", u."lastLoginAt", u."createdAt", u."version"
    FROM "User" u JOIN "Organisation" o ON o."id" = u."organisationId" ${where}
    ORDER BY u."createdAt" DESC, u."id" DESC
    LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    users: await withActivity(db, page, now),
    nextCursor: rows.length > query.limit && last ? encodeUserListCursor(last) : null,
  };
}
