import type { Prisma } from "@prisma/client";
import type { Db } from "../db";

/** How long an instance may trust a "still active" answer: revocation shows within this. */
export const FAMILY_STATE_CACHE_MS = 2000;
const FAMILY_STATE_CACHE_MAX_ENTRIES = 10_000;

export type RevocationReason = "logout" | "logout_everywhere" | "backchannel_logout" | "refresh_token_reused" | "user_disabled";

// One cache per process, on globalThis: Next bundles route handlers and pages separately,
// and a module-level Map would give each its own copy, so a revocation made by one would
// not clear the other's.
const CACHE_KEY = Symbol.for("voicesurveyagent.familyStateCache");
const processGlobals = globalThis as unknown as Record<symbol, Map<string, number> | undefined>;
const activeUntil = (processGlobals[CACHE_KEY] ??= new Map<string, number>());

/** Forgets every cached verdict (tests; and after this instance revokes something itself). */
export function clearFamilyStateCache(): void {
  activeUntil.clear();
}

/**
 * Is this session or token family still active: not revoked, its parent sign-in not
 * revoked, its user present and not disabled? Only "active" is cached, briefly and
 * bounded, so a revocation on any instance takes effect here within FAMILY_STATE_CACHE_MS.
 */
export async function isFamilyActive(db: Db, familyId: string, now = Date.now()): Promise<boolean> {
  const cachedUntil = activeUntil.get(familyId);
  if (cachedUntil !== undefined && cachedUntil > now) return true;
  activeUntil.delete(familyId);
  const family = await db.tokenFamily.findUnique({
    where: { id: familyId },
    select: { revokedAt: true, parent: { select: { revokedAt: true } }, user: { select: { disabledAt: true } } },
  });
  const active = !!family && !family.revokedAt && !family.parent?.revokedAt && !family.user.disabledAt;
  if (active) {
    if (activeUntil.size >= FAMILY_STATE_CACHE_MAX_ENTRIES) activeUntil.delete(activeUntil.keys().next().value!);
    activeUntil.set(familyId, now + FAMILY_STATE_CACHE_MS);
  }
  return active;
}

/** A browser sign-in: the family of its cookie session and of the API tokens created from it. */
export function createBrowserFamily(
  db: Db,
  data: { userId: string; idpSubject: string; idpSessionId: string | null; idToken: string | null },
) {
  return db.tokenFamily.create({ data: { kind: "browser", ...data }, select: { id: true } });
}

/** Revokes the given families and every family created from them. Returns how many were revoked. */
export async function revokeFamilies(db: Db, where: { ids?: string[]; userId?: string; idpSessionId?: string; idpSubject?: string }, reason: RevocationReason) {
  const filters: Prisma.TokenFamilyWhereInput[] = [];
  if (where.ids) filters.push({ id: { in: where.ids } }, { parentId: { in: where.ids } });
  if (where.userId) filters.push({ userId: where.userId });
  if (where.idpSessionId || where.idpSubject) {
    const idpMatch = { ...(where.idpSessionId ? { idpSessionId: where.idpSessionId } : {}), ...(where.idpSubject ? { idpSubject: where.idpSubject } : {}) };
    filters.push(idpMatch, { parent: idpMatch });
  }
  if (filters.length === 0) return 0;
  const { count } = await db.tokenFamily.updateMany({
    where: { revokedAt: null, OR: filters },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
  clearFamilyStateCache();
  return count;
}
