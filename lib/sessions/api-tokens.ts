import "server-only";
import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { hashOpaqueToken } from "../opaque-token-hash";
import { recordAuditEvent, recordAuditEventOrLog } from "../audit/audit-events";
import type { AuditRequest } from "../audit/audit-request";
import { RETRY_AFTER_SECONDS } from "../http/api-route";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { mintAccessToken } from "../credentials/access-token";
import { getApiTokenKeys } from "../credentials/api-token-keys";
import { accessTokenSettings } from "../credentials/authentication-options";
import { checkFamily } from "./family-check";
import type { Role } from "../roles/roles";
import type { SessionIdentity } from "../credentials/session-cookie";
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

/** What RefreshToken.tokenHash holds for a refresh token. */
export const hashRefreshToken = hashOpaqueToken;

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

type TokenSubject = { userId: string; role: Role; email: string | null; familyId: string; familyExpiresAt: Date };

/**
 * The refresh token that replaces `presented`: derived from it with a key only the server
 * holds, not drawn at random, so that a retry of a refresh whose answer was lost can be
 * answered with the same successor (REFRESH_RETRY_GRACE). Unpredictable without the key, as a
 * random one is; a key derived from AUTH_SECRET, for this use only.
 */
function successorOf(presented: string, env: Env): string {
  const key = Buffer.from(hkdfSync("sha256", env.authSecret, "", "voicesurveyagent refresh token successor", 32));
  return REFRESH_TOKEN_PREFIX + createHmac("sha256", key).update(presented).digest("base64url");
}

/** A refresh token's row, stored hashed, lasting REFRESH_TOKEN_TTL_DAYS and never past its family. */
function refreshTokenRow(env: Env, token: string, subject: Pick<TokenSubject, "userId" | "familyId" | "familyExpiresAt">) {
  const ttlSeconds = lifetimeWithin(env.refreshTokenTtlDays * 86_400, subject.familyExpiresAt);
  const data = { tokenHash: hashRefreshToken(token), familyId: subject.familyId, userId: subject.userId, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  return { data, ttlSeconds };
}

/** The answer for a refresh token already stored: it and a new access token, neither past the family's end. */
async function answerWith(env: Env, subject: TokenSubject, refresh: { token: string; ttlSeconds: number }): Promise<IssuedTokens> {
  const ttlSeconds = lifetimeWithin(env.accessTokenTtlMinutes * 60, subject.familyExpiresAt);
  const { token } = await mintAccessToken(
    { userId: subject.userId, role: subject.role, email: subject.email, familyId: subject.familyId },
    await getApiTokenKeys(env),
    { ...accessTokenSettings(env), ttlSeconds },
  );
  return {
    access_token: token,
    token_type: "Bearer",
    expires_in: ttlSeconds,
    refresh_token: refresh.token,
    refresh_expires_in: refresh.ttlSeconds,
  };
}

/**
 * When a new API token family ends: API_TOKEN_FAMILY_MAX_DAYS from now, but never after what
 * the IdP last vouched for. A sign-in with an IdP refresh token is asked again whenever its
 * IdP access token expires (a person the IdP disabled is refused then), so its API tokens may
 * outlive it; one without (Entra ID or Okta without the offline_access scope) is never asked
 * again, so its API tokens end with it (SESSION_ABSOLUTE_LIFETIME_HOURS).
 */
function apiFamilyEnd(env: Env, parent: { idpRefreshToken: string | null; expiresAt: Date }, now: Date): Date {
  const longest = new Date(now.getTime() + env.apiTokenFamilyMaxDays * 86_400_000);
  return parent.idpRefreshToken || parent.expiresAt > longest ? longest : parent.expiresAt;
}

/**
 * A new API token family, a child of the caller's browser sign-in (signing out ends it too),
 * ending at apiFamilyEnd whatever the refreshes. At most
 * API_TOKENS_MAX_PER_USER active families per user: the user's row is locked while counting,
 * so concurrent mints cannot both take the last place.
 *
 * The audit event and the refresh token are written in the same transaction: a credential
 * that lives for months never exists without its record, nor a family without its token. If the event cannot be written nothing is minted and the
 * caller gets a 503 to retry (unlike signing in or out, this is not a path people depend on
 * minute to minute). `request`: the HTTP request behind it, for the event (none outside one).
 */
export async function createApiTokens(db: Db, env: Env, caller: SessionIdentity, request: AuditRequest = {}): Promise<IssuedTokens> {
  const now = new Date();
  const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url"); // 256 bits
  const { user, family, refreshTtlSeconds } = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${caller.userId} FOR UPDATE`;
    const user = await tx.user.findUniqueOrThrow({ where: { id: caller.userId }, select: { role: true, email: true, organisationId: true } });
    const active = await tx.tokenFamily.count({
      where: { userId: caller.userId, kind: "api", revokedAt: null, expiresAt: { gt: now }, OR: [{ parentId: null }, { parent: { revokedAt: null } }] },
    });
    if (active >= env.apiTokensMaxPerUser) throw new ApiTokenLimitError(env.apiTokensMaxPerUser);
    const parent = await tx.tokenFamily.findUniqueOrThrow({ where: { id: caller.familyId }, select: { idpRefreshToken: true, expiresAt: true } });
    const family = await tx.tokenFamily.create({
      data: {
        kind: "api",
        userId: caller.userId,
        parentId: caller.familyId,
        expiresAt: apiFamilyEnd(env, parent, now),
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
      organisationId: user.organisationId,
      detail: { familyId: family.id, parentFamilyId: caller.familyId, expiresAt: family.expiresAt.toISOString() },
      request,
    });
    // In the same transaction: a family (counted against the cap) and its event never exist without the token that uses it.
    const refresh = refreshTokenRow(env, refreshToken, { userId: caller.userId, familyId: family.id, familyExpiresAt: family.expiresAt });
    await tx.refreshToken.create({ data: refresh.data, select: { id: true } });
    return { user, family, refreshTtlSeconds: refresh.ttlSeconds };
  });
  const subject = { userId: caller.userId, role: user.role, email: user.email, familyId: family.id, familyExpiresAt: family.expiresAt };
  return answerWith(env, subject, { token: refreshToken, ttlSeconds: refreshTtlSeconds });
}

export type RefreshOutcome =
  /** `retried`: the answer again to a retry within REFRESH_RETRY_GRACE, not a new rotation. */
  | { ok: true; tokens: IssuedTokens; retried?: true }
  | { ok: false; code: "invalid_refresh_token" | "refresh_token_reused" | "token_revoked" };

/**
 * A spent refresh token came back: someone holds a copy (RFC 9700 §4.14). Its family is
 * revoked, and the event names the family's owner and where the token came from (never the
 * token). The revocation must happen whatever the audit trail's state: a lost event is logged.
 */
async function revokeReusedFamily(db: Db, stored: { familyId: string; userId: string; user: { organisationId: string } }, request: AuditRequest): Promise<void> {
  const revoked = await revokeFamilies(db, { ids: [stored.familyId] }, "refresh_token_reused");
  // Once per family revoked: replaying a spent token again and again writes nothing more.
  if (revoked === 0) return;
  await recordAuditEventOrLog(db, {
    actor: "system",
    action: "refresh_token_reused",
    targetUserId: stored.userId,
    organisationId: stored.user.organisationId,
    detail: { familyId: stored.familyId, revokedFamilies: revoked },
    request,
  });
}

/**
 * How a refresh whose answer was lost is retried. The spend and its successor commit in one
 * transaction, but the commit's answer can still be lost (the database restarts just after
 * it), and the client, told 503, presents the same token again. A spent token presented from
 * Retry-After to `untilMs` after it was spent, whose successor was never used, is answered
 * with that successor again instead of being taken for a replay. Sooner than Retry-After it is
 * not a client obeying the 503 but a concurrent copy (RFC 9700 §4.14: a replay), so of
 * concurrent refreshes exactly one still wins; and once the successor is used, the spent token
 * is a replay whenever it comes.
 */
export const REFRESH_RETRY_GRACE = { fromMs: RETRY_AFTER_SECONDS * 1000, untilMs: 60_000 } as const;

/**
 * The answer again for a retry within REFRESH_RETRY_GRACE, or null when the spent token is a
 * replay. The successor must be stored, unspent and unexpired, and the family still active.
 */
async function answerRetry(
  db: Db,
  env: Env,
  presented: string,
  stored: { familyId: string; userId: string; spentAt: Date; family: { expiresAt: Date }; user: { email: string | null } },
): Promise<IssuedTokens | null> {
  const spentForMs = Date.now() - stored.spentAt.getTime();
  if (spentForMs < REFRESH_RETRY_GRACE.fromMs || spentForMs > REFRESH_RETRY_GRACE.untilMs) return null;
  const successor = successorOf(presented, env);
  const row = await db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(successor) }, select: { familyId: true, spentAt: true, expiresAt: true } });
  if (!row || row.familyId !== stored.familyId || row.spentAt || row.expiresAt.getTime() <= Date.now()) return null;
  const family = await checkFamily(db, env, stored.familyId, { fresh: true, userId: stored.userId });
  if (!family.active) return null;
  const subject = { userId: stored.userId, role: family.role, email: stored.user.email, familyId: stored.familyId, familyExpiresAt: stored.family.expiresAt };
  return answerWith(env, subject, { token: successor, ttlSeconds: lifetimeWithin(Number.MAX_SAFE_INTEGER, row.expiresAt) });
}

/**
 * Rotates a refresh token: the presented one is spent, a new access and refresh token are
 * issued with the user's current role. Presenting a spent token again is treated as theft
 * (RFC 9700 §4.14): the whole family is revoked, except for a retry within
 * REFRESH_RETRY_GRACE. Spending and storing the successor are one transaction, so a failure
 * between them loses nothing (the client's 503 retry finds its token unspent), and the spend
 * is a conditional UPDATE, so of concurrent refreshes with one token, on any number of
 * instances, exactly one wins. The family is checked first as every request checks it
 * (revoked, past its absolute end, the IdP still accepting the sign-in behind it), reading
 * the database, not the cache. `request`: who presented the token, for the audit event a
 * replay writes.
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
      user: { select: { email: true, organisationId: true } },
    },
  });
  if (!stored) return { ok: false, code: "invalid_refresh_token" };
  if (stored.spentAt) {
    const again = await answerRetry(db, env, presented, { ...stored, spentAt: stored.spentAt });
    if (again) return { ok: true, tokens: again, retried: true };
    await revokeReusedFamily(db, stored, request);
    return { ok: false, code: "refresh_token_reused" };
  }
  if (stored.expiresAt.getTime() <= Date.now()) return { ok: false, code: "invalid_refresh_token" };
  const family = await checkFamily(db, env, stored.familyId, { fresh: true, userId: stored.userId });
  if (!family.active) {
    if (family.reason === "expired") return { ok: false, code: "invalid_refresh_token" };
    // A concurrent presentation of this very token may have spent it and revoked the family meanwhile.
    const now = await db.refreshToken.findUnique({ where: { id: stored.id }, select: { spentAt: true } });
    return { ok: false, code: now?.spentAt ? "refresh_token_reused" : "token_revoked" };
  }

  const successor = successorOf(presented, env);
  const row = refreshTokenRow(env, successor, { userId: stored.userId, familyId: stored.familyId, familyExpiresAt: stored.family.expiresAt });
  const spent = await db.$transaction(async (tx) => {
    const { count } = await tx.refreshToken.updateMany({ where: { id: stored.id, spentAt: null }, data: { spentAt: new Date() } });
    if (count !== 1) return false;
    await tx.refreshToken.create({ data: row.data, select: { id: true } });
    return true;
  });
  if (!spent) {
    // Someone spent it between our read and our write: the same token was presented twice.
    await revokeReusedFamily(db, stored, request);
    return { ok: false, code: "refresh_token_reused" };
  }
  const subject = { userId: stored.userId, role: family.role, email: stored.user.email, familyId: stored.familyId, familyExpiresAt: stored.family.expiresAt };
  return { ok: true, tokens: await answerWith(env, subject, { token: successor, ttlSeconds: row.ttlSeconds }) };
}
