import "server-only";
import type { Db } from "../../db";
import { ExpiringCache } from "../../expiring-cache";
import { getLogger } from "../../observability/logger";
import type { Role } from "../edge/roles";

/**
 * How long an instance may trust a "still active" answer: a revocation made on any instance
 * is refused everywhere within this (plus a request's own time: the promise is 2 s).
 */
export const FAMILY_STATE_CACHE_MS = 1500;
/**
 * How stale TokenFamily.lastUsedAt may be. It is written when the family is read from the
 * database anyway (a cache miss, at most every FAMILY_STATE_CACHE_MS) and is older than this:
 * one conditional UPDATE per family a minute, never one per request.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;
const FAMILY_STATE_CACHE_MAX_ENTRIES = 10_000;

export type FamilyState =
  /** `role`: the user's current role, which wins over the one a token or cookie carries. */
  | { status: "active"; role: Role }
  /**
   * Active, but the IdP's access token behind it has expired: ask the IdP first. The grant is
   * the browser sign-in's (`renewFamilyId`): an API token family is asked through its parent,
   * so a user the IdP no longer accepts loses their API tokens too.
   */
  | { status: "renewal_due"; role: Role; renewFamilyId: string; idpRefreshToken: string; idpAccessTokenExpiresAt: Date }
  /** Past its server-side absolute end (TokenFamily.expiresAt), whatever was renewed or refreshed. */
  | { status: "expired" }
  | { status: "revoked"; reason: string | null };

// One cache per process, on globalThis: Next bundles route handlers and pages separately,
// and a module-level Map would give each its own copy, so a revocation made by one would
// not clear the other's.
const CACHE_KEY = Symbol.for("voicesurveyagent.familyStateCache");
const processGlobals = globalThis as Record<symbol, unknown>;
/** Family id → the user's role, for families known to be active. */
const activeFamilies = (processGlobals[CACHE_KEY] ??= new ExpiringCache<Role>(FAMILY_STATE_CACHE_MAX_ENTRIES)) as ExpiringCache<Role>;

/** Forgets every cached verdict (tests; and after this instance revokes something itself). */
export function clearFamilyStateCache(): void {
  activeFamilies.clear();
}

const IDP_GRANT = { id: true, revokedAt: true, revokedReason: true, idpRefreshToken: true, idpAccessTokenExpiresAt: true } as const;

/**
 * The state of a session or token family: revoked (itself, its parent sign-in, or its user
 * disabled or deleted), expired, due for IdP renewal, or active. Only "active" is cached,
 * briefly and bounded, so a revocation on any instance takes effect here within
 * FAMILY_STATE_CACHE_MS; `fresh` skips the cache (minting credentials reads the database).
 */
export async function getFamilyState(db: Db, familyId: string, now = Date.now(), options: { fresh?: boolean } = {}): Promise<FamilyState> {
  const cachedRole = options.fresh ? undefined : activeFamilies.get(familyId, now);
  if (cachedRole !== undefined) return { status: "active", role: cachedRole };
  const family = await db.tokenFamily.findUnique({
    where: { id: familyId },
    select: { ...IDP_GRANT, kind: true, expiresAt: true, lastUsedAt: true, parent: { select: IDP_GRANT }, user: { select: { disabledAt: true, role: true } } },
  });
  if (!family) return { status: "revoked", reason: null };
  if (family.revokedAt) return { status: "revoked", reason: family.revokedReason };
  if (family.parent?.revokedAt) return { status: "revoked", reason: family.parent.revokedReason };
  if (family.user.disabledAt) return { status: "revoked", reason: "user_disabled" };
  if (family.expiresAt.getTime() <= now) return { status: "expired" };
  if (!family.lastUsedAt || now - family.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await recordFamilyUse(db, familyId, now);
  const role = family.user.role;
  // The IdP grant this family stands on: a browser sign-in's own, an API token's parent's.
  const grant = family.kind === "browser" ? family : family.parent;
  const { idpRefreshToken, idpAccessTokenExpiresAt } = grant ?? {};
  const idpExpiry = idpRefreshToken && idpAccessTokenExpiresAt ? idpAccessTokenExpiresAt.getTime() : Infinity;
  if (grant && idpRefreshToken && idpAccessTokenExpiresAt && idpExpiry <= now) {
    return { status: "renewal_due", role, renewFamilyId: grant.id, idpRefreshToken, idpAccessTokenExpiresAt };
  }
  activeFamilies.set(familyId, role, Math.min(now + FAMILY_STATE_CACHE_MS, idpExpiry, family.expiresAt.getTime()), now);
  return { status: "active", role };
}

/**
 * Marks the family as used now, unless another request (on any instance) did within the
 * resolution. It is what administrators see as "last used": never worth failing a request for.
 */
async function recordFamilyUse(db: Db, familyId: string, now: number): Promise<void> {
  try {
    await db.tokenFamily.updateMany({
      where: { id: familyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: new Date(now) },
    });
  } catch (error) {
    getLogger().error({ event: "family_use_not_recorded", familyId, error: error instanceof Error ? error.message : String(error) });
  }
}

/** Neither revoked nor expired (a family due for IdP renewal still counts as active here). */
export async function isFamilyActive(db: Db, familyId: string, now = Date.now()): Promise<boolean> {
  const { status } = await getFamilyState(db, familyId, now);
  return status === "active" || status === "renewal_due";
}

/** A browser sign-in: the family of its cookie session and of the API tokens created from it. */
export function createBrowserFamily(
  db: Pick<Db, "tokenFamily">,
  data: {
    userId: string;
    idpSubject: string;
    idpSessionId: string | null;
    idToken: string | null;
    idpRefreshToken?: string | null;
    idpAccessTokenExpiresAt?: Date | null;
    /** The sign-in's absolute end (SESSION_ABSOLUTE_LIFETIME_HOURS after it). */
    expiresAt: Date;
    /** Where it was signed in from (shown to administrators). */
    ipAddress?: string | null;
    userAgent?: string | null;
  },
) {
  return db.tokenFamily.create({ data: { kind: "browser", ...data }, select: { id: true } });
}
