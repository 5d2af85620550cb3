import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "../db";
import { ExpiringCache } from "../expiring-cache";
import { getLogger } from "../observability/logger";
import { utcTimestamp } from "../sql-timestamp";
import type { Role } from "../roles/roles";

/**
 * How long an instance may trust a "still active" answer: a revocation made on any instance
 * is refused everywhere within this (plus a request's own time: the promise is 2 s).
 */
export const FAMILY_STATE_CACHE_MS = 1500;
/**
 * A cached "active" older than this is read again in the background while it still answers,
 * so a family in steady use never makes a request wait for the database (and the answer is
 * still never older than FAMILY_STATE_CACHE_MS).
 */
export const FAMILY_STATE_REFRESH_AFTER_MS = 1000;
/**
 * How stale TokenFamily.lastUsedAt may be. It is written when the family is read from the
 * database anyway (a cache miss, at most every FAMILY_STATE_CACHE_MS) and is older than this:
 * one conditional UPDATE per family a minute, never one per request.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;
const FAMILY_STATE_CACHE_MAX_ENTRIES = 10_000;

export type FamilyState =
  /**
   * `role`: the user's current role, which wins over the one a token or cookie carries;
   * `organisationId`: the user's organisation (it never changes), read in the same query.
   */
  | { status: "active"; role: Role; userId: string; organisationId: string }
  /**
   * Active, but the IdP's access token behind it has expired: ask the IdP first. The grant is
   * the browser sign-in's (`renewFamilyId`): an API token family is asked through its parent,
   * so a user the IdP no longer accepts loses their API tokens too.
   */
  | { status: "renewal_due"; role: Role; userId: string; organisationId: string; renewFamilyId: string; idpRefreshToken: string; idpAccessTokenExpiresAt: Date }
  /** Past its server-side absolute end (TokenFamily.expiresAt), whatever was renewed or refreshed. */
  | { status: "expired" }
  | { status: "revoked"; reason: string | null };

type FamilyStates = {
  /** Family id → the user's role and organisation and when they were read, for families known to be active. */
  active: ExpiringCache<{ role: Role; userId: string; organisationId: string; readAt: number }>;
  /** Reads in flight, by family id: requests that miss together share one. */
  reads: Map<string, Promise<FamilyState>>;
  /** Bumped by clearFamilyStateCache: a read started before it must not fill the cache after it. */
  generation: number;
};

// One per process, on globalThis: Next bundles route handlers and pages separately, and a
// module-level Map would give each its own copy, so a revocation made by one would not clear
// the other's.
const STATES_KEY = Symbol.for("voicesurveyagent.familyStates");
const processGlobals = globalThis as Record<symbol, unknown>;
const states = (processGlobals[STATES_KEY] ??= {
  active: new ExpiringCache(FAMILY_STATE_CACHE_MAX_ENTRIES),
  reads: new Map(),
  generation: 0,
} satisfies FamilyStates) as FamilyStates;

/** Forgets every cached verdict and every read in flight (tests; and after this instance revokes something itself). */
export function clearFamilyStateCache(): void {
  states.active.clear();
  states.reads.clear();
  states.generation++;
}

const IDP_GRANT = { id: true, revokedAt: true, revokedReason: true, idpRefreshToken: true, idpAccessTokenExpiresAt: true } as const;

/**
 * The state of a session or token family: revoked (itself, its parent sign-in, or its user
 * disabled or deleted), expired, due for IdP renewal, or active. Only "active" is cached,
 * briefly and bounded, so a revocation on any instance takes effect here within
 * FAMILY_STATE_CACHE_MS; `fresh` skips the cache (minting credentials reads the database).
 */
export async function getFamilyState(db: Db, familyId: string, now = Date.now(), options: { fresh?: boolean } = {}): Promise<FamilyState> {
  if (options.fresh) return readAndRemember(db, familyId, now);
  const cached = states.active.get(familyId, now);
  if (!cached) return sharedRead(db, familyId, now);
  // A failed background read changes nothing: the entry still expires on time, and the
  // request that then misses meets the failure itself.
  if (now - cached.readAt >= FAMILY_STATE_REFRESH_AFTER_MS) sharedRead(db, familyId, now).catch(() => {});
  return { status: "active", role: cached.role, userId: cached.userId, organisationId: cached.organisationId };
}

/** Requests that miss together wait for one read of the family, not one each. */
function sharedRead(db: Db, familyId: string, now: number): Promise<FamilyState> {
  const pending = states.reads.get(familyId);
  if (pending) return pending;
  const read = readAndRemember(db, familyId, now);
  states.reads.set(familyId, read);
  read
    .finally(() => {
      if (states.reads.get(familyId) === read) states.reads.delete(familyId);
    })
    .catch(() => {});
  return read;
}

/** Reads the family; caches an "active" answer and drops the entry otherwise, unless the cache was cleared meanwhile. */
async function readAndRemember(db: Db, familyId: string, now: number): Promise<FamilyState> {
  const generation = states.generation;
  const { state, cacheUntil } = await readFamilyState(db, familyId, now);
  if (generation === states.generation) {
    if (state.status === "active") states.active.set(familyId, { role: state.role, userId: state.userId, organisationId: state.organisationId, readAt: now }, cacheUntil, now);
    else states.active.delete(familyId);
  }
  return state;
}

/**
 * The family as the database has it now, and until when an "active" answer may be trusted:
 * FAMILY_STATE_CACHE_MS from the read's start, and never past the IdP grant's or the family's end.
 */
async function readFamilyState(db: Db, familyId: string, now: number): Promise<{ state: FamilyState; cacheUntil: number }> {
  const family = await db.tokenFamily.findUnique({
    where: { id: familyId },
    select: { ...IDP_GRANT, kind: true, userId: true, expiresAt: true, lastUsedAt: true, parent: { select: { ...IDP_GRANT, expiresAt: true } }, user: { select: { disabledAt: true, role: true, organisationId: true } } },
  });
  const ended = (state: FamilyState) => ({ state, cacheUntil: 0 });
  if (!family) return ended({ status: "revoked", reason: null });
  if (family.revokedAt) return ended({ status: "revoked", reason: family.revokedReason });
  if (family.parent?.revokedAt) return ended({ status: "revoked", reason: family.parent.revokedReason });
  if (family.user.disabledAt) return ended({ status: "revoked", reason: "user_disabled" });
  if (family.expiresAt.getTime() <= now) return ended({ status: "expired" });
  // An API token family whose sign-in the IdP can never be asked about again (no IdP refresh
  // token) ends with that sign-in; families minted before this rule are held to it here.
  const unvouched = family.parent && !family.parent.idpRefreshToken;
  if (unvouched && family.parent!.expiresAt.getTime() <= now) return ended({ status: "expired" });
  if (!family.lastUsedAt || now - family.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await recordFamilyUse(db, familyId, now);
  const { role, organisationId } = family.user;
  const userId = family.userId;
  // The IdP grant this family stands on: a browser sign-in's own, an API token's parent's.
  const grant = family.kind === "browser" ? family : family.parent;
  const { idpRefreshToken, idpAccessTokenExpiresAt } = grant ?? {};
  const idpExpiry = idpRefreshToken && idpAccessTokenExpiresAt ? idpAccessTokenExpiresAt.getTime() : Infinity;
  if (grant && idpRefreshToken && idpAccessTokenExpiresAt && idpExpiry <= now) {
    return ended({ status: "renewal_due", role, userId, organisationId, renewFamilyId: grant.id, idpRefreshToken, idpAccessTokenExpiresAt });
  }
  const end = Math.min(family.expiresAt.getTime(), unvouched ? family.parent!.expiresAt.getTime() : Infinity);
  return { state: { status: "active", role, userId, organisationId }, cacheUntil: Math.min(now + FAMILY_STATE_CACHE_MS, idpExpiry, end) };
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

/**
 * A browser sign-in: the family of its cookie session and of the API tokens created from it.
 * One plain INSERT (a quarter of what Prisma's create costs: it is on every sign-in's path),
 * inside the sign-in's transaction when given one.
 */
export async function createBrowserFamily(
  db: Pick<Db, "$queryRaw">,
  data: {
    userId: string;
    /** The connection signed in through: the IdP's subject and session id are its. */
    connectionId: string;
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
): Promise<{ id: string }> {
  const [family] = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "TokenFamily" (id, kind, "userId", "connectionId", "idpSubject", "idpSessionId", "idToken", "idpRefreshToken", "idpAccessTokenExpiresAt", "expiresAt", "ipAddress", "userAgent", "createdAt")
    VALUES (${randomUUID()}, 'browser', ${data.userId}, ${data.connectionId}, ${data.idpSubject}, ${data.idpSessionId}::text, ${data.idToken}::text, ${data.idpRefreshToken ?? null}::text,
      ${utcTimestamp(data.idpAccessTokenExpiresAt)}, ${utcTimestamp(data.expiresAt)}, ${data.ipAddress ?? null}::text, ${data.userAgent ?? null}::text, ${utcTimestamp(new Date())})
    RETURNING id`;
  return family!;
}
