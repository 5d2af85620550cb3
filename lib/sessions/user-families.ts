import "server-only";
import type { Prisma, TokenFamilyKind } from "@prisma/client";
import type { Db } from "../db";

/**
 * A family that still admits requests: not revoked, before its absolute end, and (an API
 * token) its browser sign-in not revoked either. The user being disabled is not looked at:
 * disabling revokes every family at once.
 */
function activeFamilyWhere(now: Date): Prisma.TokenFamilyWhereInput {
  return { revokedAt: null, expiresAt: { gt: now }, OR: [{ parentId: null }, { parent: { revokedAt: null } }] };
}

export type ActiveFamilyCounts = { sessions: number; apiTokens: number };

/** Active browser sessions and API tokens of each of `userIds` (one grouped query). */
export async function countActiveFamilies(db: Db, userIds: string[], now = new Date()): Promise<Map<string, ActiveFamilyCounts>> {
  const counts = new Map<string, ActiveFamilyCounts>(userIds.map((id) => [id, { sessions: 0, apiTokens: 0 }]));
  if (userIds.length === 0) return counts;
  const groups = await db.tokenFamily.groupBy({
    by: ["userId", "kind"],
    where: { userId: { in: userIds }, ...activeFamilyWhere(now) },
    _count: { _all: true },
  });
  for (const group of groups) {
    const entry = counts.get(group.userId)!;
    if (group.kind === "browser") entry.sessions = group._count._all;
    else entry.apiTokens = group._count._all;
  }
  return counts;
}

export type FamilySummary = {
  id: string;
  kind: TokenFamilyKind;
  /** The browser sign-in an API token was created from (revoking that ends the token too). */
  parentId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  ipAddress: string | null;
  userAgent: string | null;
  expiresAt: Date;
};

/** How many of a user's active families an administrator sees at once, newest first. */
export const MAX_LISTED_FAMILIES = 200;

/** A user's active sessions and API tokens, newest first, for administrators. */
export function listActiveFamilies(db: Db, userId: string, now = new Date()): Promise<FamilySummary[]> {
  return db.tokenFamily.findMany({
    where: { userId, ...activeFamilyWhere(now) },
    select: { id: true, kind: true, parentId: true, createdAt: true, lastUsedAt: true, ipAddress: true, userAgent: true, expiresAt: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_LISTED_FAMILIES,
  });
}

/** Whether `familyId` is one of `userId`'s families (an administrator revokes it by the user's URL). */
export async function isFamilyOfUser(db: Pick<Db, "tokenFamily">, familyId: string, userId: string): Promise<boolean> {
  return (await db.tokenFamily.count({ where: { id: familyId, userId } })) > 0;
}
