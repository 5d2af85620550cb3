import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { recordAuditEvent, recordAuditEventOrLog } from "../../audit/audit-events";
import type { AuditRequest } from "../../audit/audit-request";
import type { Db } from "../../db";
import type { Env } from "../../env";
import { mintAccessToken } from "../edge/access-token";
import { getApiTokenKeys } from "../edge/api-token-keys";
import { accessTokenSettings } from "../edge/authentication-options";
import { checkFamily } from "./family-check";
import type { Role } from "../edge/roles";
import type { SessionIdentity } from "../edge/session-cookie";
import { revokeFamilies } from "./revocation";

export type IssuedTokens = {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
};

// A recognisable prefix lets secret scanners find leaked refresh tokens.
const REFRESH_TOKEN_PREFIX = "vsa_rt_";
const MAX_REFRESH_TOKEN_LENGTH = 128;

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Too many active API tokens: minting one more is refused (409), never an older one silently revoked. */
export class ApiTokenLimitError extends Error {
  readonly code = "too_many_api_tokens";
  constructor(readonly limit: number) {
    super(
      `You already have ${limit} active API tokens, the most allowed. Revoke one you no longer use (POST /api/auth/logout with it), sign out everywhere, or wait for one to expire.`,
    );
    this.name = "ApiTokenLimitError";
  }
}

/** Seconds from now until `end`, at most `ttlSeconds`: nothing issued outlives its family. */
function lifetimeWithin(ttlSeconds: number, end: Date, now = Date.now()): number {
  return Math.max(0, Math.min(ttlSeconds, Math.floor((end.getTime() - now) / 1000)));
}

async function issueTokenPair(
  db: Db,
  env: Env,
  subject: { userId: string; role: Role; email: string | null; familyId: string; familyExpiresAt: Date },
): Promise<IssuedTokens> {
  const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url"); // 256 bits
  const refreshTtlSeconds = lifetimeWithin(env.refreshTokenTtlDays * 86_400, subject.familyExpiresAt);
  await db.refreshToken.create({
    data: {
      tokenHash: hashRefreshToken(refreshToken),
      familyId: subject.familyId,
      userId: subject.userId,
      expiresAt: new Date(Date.now() + refreshTtlSeconds * 1000),
    },
  });
  const ttlSeconds = lifetimeWithin(env.accessTokenTtlMinutes * 60, subject.familyExpiresAt);
  const { token } = await mintAccessToken(
    { userId: subject.userId, role: subject.role, email: subject.email, familyId: subject.familyId },
    await getApiTokenKeys(env),
    { ...accessTokenSettings(env), ttlSeconds },
  );
  return { access_token: token, token_type: "Bearer", expires_in: ttlSeconds, refresh_token: refreshToken, refresh_expires_in: refreshTtlSeconds };
}

/**
 * A new API token family, a child of the caller's browser sign-in (signing out ends it too),
 * ending API_TOKEN_FAMILY_MAX_DAYS from now whatever the refreshes. At most
 * API_TOKENS_MAX_PER_USER active families per user: the user's row is locked while counting,
 * so concurrent mints cannot both take the last place.
 *
 * The audit event is written in the same transaction: a credential that lives for months
 * never exists without its record. If the event cannot be written nothing is minted and the
 * caller gets a 503 to retry (unlike signing in or out, this is not a path people depend on
 * minute to minute). `request`: the HTTP request behind it, for the event (none outside one).
 */
export async function createApiTokens(db: Db, env: Env, caller: SessionIdentity, request: AuditRequest = {}): Promise<IssuedTokens> {
  const now = new Date();
  const { user, family } = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${caller.userId} FOR UPDATE`;
    const user = await tx.user.findUniqueOrThrow({ where: { id: caller.userId }, select: { role: true, email: true } });
    const active = await tx.tokenFamily.count({
      where: { userId: caller.userId, kind: "api", revokedAt: null, expiresAt: { gt: now }, OR: [{ parentId: null }, { parent: { revokedAt: null } }] },
    });
    if (active >= env.apiTokensMaxPerUser) throw new ApiTokenLimitError(env.apiTokensMaxPerUser);
    const family = await tx.tokenFamily.create({
      data: {
        kind: "api",
        userId: caller.userId,
        parentId: caller.familyId,
        expiresAt: new Date(now.getTime() + env.apiTokenFamilyMaxDays * 86_400_000),
        // Where it was minted from, shown to administrators on the user's page.
        ipAddress: request.ipAddress ?? null,
        userAgent: request.userAgent?.slice(0, 512) ?? null,
      },
      select: { id: true, expiresAt: true },
    });
    await recordAuditEvent(tx, {
      actor: { userId: caller.userId },
      action: "api_token_minted",
      targetUserId: caller.userId,
      detail: { familyId: family.id, parentFamilyId: caller.familyId, expiresAt: family.expiresAt.toISOString() },
      request,
    });
    return { user, family };
  });
  return issueTokenPair(db, env, { userId: caller.userId, role: user.role, email: user.email, familyId: family.id, familyExpiresAt: family.expiresAt });
}

export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens }
  | { ok: false; code: "invalid_refresh_token" | "refresh_token_reused" | "token_revoked" };

/**
 * A spent refresh token came back: someone holds a copy (RFC 9700 §4.14). Its family is
 * revoked, and the event names the family's owner and where the token came from (never the
 * token). The revocation must happen whatever the audit trail's state: a lost event is logged.
 */
async function revokeReusedFamily(db: Db, stored: { familyId: string; userId: string }, request: AuditRequest): Promise<void> {
  const revoked = await revokeFamilies(db, { ids: [stored.familyId] }, "refresh_token_reused");
  await recordAuditEventOrLog(db, {
    actor: "system",
    action: "refresh_token_reused",
    targetUserId: stored.userId,
    detail: { familyId: stored.familyId, revokedFamilies: revoked },
    request,
  });
}

/**
 * Rotates a refresh token: the presented one is spent, a new access and refresh token are
 * issued with the user's current role. Presenting a spent token again is treated as theft
 * (RFC 9700 §4.14): the whole family is revoked. Spending is one conditional UPDATE, so of
 * concurrent refreshes with one token, on any number of instances, exactly one wins. The
 * family is checked first as every request checks it (revoked, past its absolute end, the
 * IdP still accepting the sign-in behind it), reading the database, not the cache.
 * `request`: who presented the token, for the audit event a replay writes.
 */
export async function refreshApiTokens(db: Db, env: Env, presented: unknown, request: AuditRequest = {}): Promise<RefreshOutcome> {
  if (typeof presented !== "string" || !presented.startsWith(REFRESH_TOKEN_PREFIX) || presented.length > MAX_REFRESH_TOKEN_LENGTH) {
    return { ok: false, code: "invalid_refresh_token" };
  }
  const stored = await db.refreshToken.findUnique({
    where: { tokenHash: hashRefreshToken(presented) },
    select: {
      id: true,
      familyId: true,
      userId: true,
      expiresAt: true,
      spentAt: true,
      family: { select: { expiresAt: true } },
      user: { select: { email: true } },
    },
  });
  if (!stored) return { ok: false, code: "invalid_refresh_token" };
  if (stored.spentAt) {
    await revokeReusedFamily(db, stored, request);
    return { ok: false, code: "refresh_token_reused" };
  }
  if (stored.expiresAt.getTime() <= Date.now()) return { ok: false, code: "invalid_refresh_token" };
  const family = await checkFamily(db, env, stored.familyId, { fresh: true });
  if (!family.active) {
    if (family.reason === "expired") return { ok: false, code: "invalid_refresh_token" };
    // A concurrent presentation of this very token may have spent it and revoked the family meanwhile.
    const now = await db.refreshToken.findUnique({ where: { id: stored.id }, select: { spentAt: true } });
    return { ok: false, code: now?.spentAt ? "refresh_token_reused" : "token_revoked" };
  }

  const { count } = await db.refreshToken.updateMany({ where: { id: stored.id, spentAt: null }, data: { spentAt: new Date() } });
  if (count !== 1) {
    // Someone spent it between our read and our write: the same token was presented twice.
    await revokeReusedFamily(db, stored, request);
    return { ok: false, code: "refresh_token_reused" };
  }
  return {
    ok: true,
    tokens: await issueTokenPair(db, env, {
      userId: stored.userId,
      role: family.role,
      email: stored.user.email,
      familyId: stored.familyId,
      familyExpiresAt: stored.family.expiresAt,
    }),
  };
}
